from . import helpdesk_ticket_move_wizard
from . import helpdesk_ticket_step_wizard
from . import helpdesk_ticket_received_wizard
from . import helpdesk_ticket_incident_link_wizard
