# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Helpdesk Support Process",
    "summary": "Make the helpdesk follow, check and measure a 7-step support process",
    "version": "18.0.1.0.0",
    "category": "After-Sales",
    "website": "https://github.com/mindx/mindx_helpdesk_process",
    "author": "MindX",
    "maintainers": ["mindx"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["helpdesk_mgmt"],
    "data": [
        "security/ir.model.access.csv",
        "security/helpdesk_cos_policy_security.xml",
        "views/helpdesk_cos_policy_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_stage_views.xml",
        "views/res_config_settings_views.xml",
        "data/helpdesk_ticket_stage_data.xml",
    ],
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
