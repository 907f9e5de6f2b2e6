from . import test_class_of_service
from . import test_i18n
from . import test_install
from . import test_mail_gateway
from . import test_portal
from . import test_process
from . import test_sla
from . import test_stage_roles
