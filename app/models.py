"""Import every table module so `engine.models.Base.metadata` knows the whole schema."""

from app.accounts import models as account_models  # noqa: F401
from app.auth import models as auth_models  # noqa: F401
from app.employment import models as employment_models  # noqa: F401
from app.faults import models as fault_models  # noqa: F401
from app.inspection import models as inspection_models  # noqa: F401
from app.kiosk import models as kiosk_models  # noqa: F401
from app.org import models as org_models  # noqa: F401
from app.org import profiles as org_profiles  # noqa: F401
from app.province import models as province_models  # noqa: F401
from app.reports import models as report_models  # noqa: F401
from app.reports import snapshots as report_snapshots  # noqa: F401
from app.social import models as social_models  # noqa: F401
from app.workbench import models as workbench_models  # noqa: F401
