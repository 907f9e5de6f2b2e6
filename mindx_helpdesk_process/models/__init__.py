from . import helpdesk_ticket_stage
