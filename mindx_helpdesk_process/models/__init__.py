from . import helpdesk_cos_policy
from . import helpdesk_cos_policy_line
from . import helpdesk_ticket
from . import helpdesk_ticket_step
from . import helpdesk_ticket_team
from . import helpdesk_ticket_stage
from . import res_company
from . import res_config_settings
