from . import helpdesk_incident_report
from . import helpdesk_process_analysis
