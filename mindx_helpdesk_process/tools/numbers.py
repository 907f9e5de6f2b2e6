# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Number checks shared by every model that takes integers from a client."""

from odoo.exceptions import ValidationError

# PostgreSQL's integer: a bigger value fails at the INSERT, before any constraint
INT4_RANGE = range(-(2**31), 2**31)


def check_whole_numbers(records, vals, fnames):
    """Refuse, naming the field, integer values the database cannot take.

    A string or a list over RPC, or a number beyond PostgreSQL's integer, would
    otherwise fail with a traceback (or at the INSERT, before the model's
    constraint could say what is wrong); in range, the constraints judge.
    """
    for fname in fnames:
        if fname not in vals:
            continue
        value = vals[fname]
        # False is an emptied field (0); 5.0 is 5; "5", [5], 5.5, inf are not numbers
        whole = isinstance(value, bool | int) or (
            isinstance(value, float) and value.is_integer()
        )
        if not (whole and int(value) in INT4_RANGE):
            raise ValidationError(
                records.env._(
                    "'%(field)s' must be a whole number, not %(value)s.",
                    field=records._fields[fname].get_description(records.env)["string"],
                    value=repr(value)[:40],
                )
            )
