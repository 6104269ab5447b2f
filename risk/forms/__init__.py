"""Forms of risk control, one module per subject (credit ratings, special events, improvement plans); the public names are re-exported here."""

from risk.forms.events import (
    AddStepForm,
    AssignOwnerForm,
    CloseForm,
    CompleteStepForm,
    EventReportForm,
    NoteForm,
)
from risk.forms.improvement import (
    ImprovementCloseForm,
    ImprovementPlanForm,
    MeasureFormSet,
    TargetFormSet,
    initial_measures,
    initial_targets,
    measures_from,
    targets_from,
)
from risk.forms.provisions import (
    CollectionForecastForm,
    ProvisionPolicyForm,
    ProvisionQueryForm,
    provision_policy_initial,
)
from risk.forms.ratings import (
    DEFAULT_GRADES,
    BandsField,
    FactorForm,
    FactorFormSet,
    GradeForm,
    GradeFormSet,
    SchemeForm,
    factors_from,
    grades_from,
    initial_factors,
    initial_grades,
)
from risk.forms.warnings import (
    WarningActionForm,
    WarningCloseForm,
    WarningRuleChangeForm,
    WarningRuleForm,
    WarningRunForm,
    rule_change_initial,
)

__all__ = [
    "ImprovementCloseForm",
    "ImprovementPlanForm",
    "MeasureFormSet",
    "TargetFormSet",
    "initial_measures",
    "initial_targets",
    "measures_from",
    "targets_from",
    "AddStepForm",
    "AssignOwnerForm",
    "BandsField",
    "CloseForm",
    "CompleteStepForm",
    "DEFAULT_GRADES",
    "EventReportForm",
    "FactorForm",
    "FactorFormSet",
    "GradeForm",
    "GradeFormSet",
    "NoteForm",
    "SchemeForm",
    "factors_from",
    "grades_from",
    "initial_factors",
    "initial_grades",
    "WarningActionForm",
    "WarningCloseForm",
    "WarningRuleForm",
    "WarningRunForm",
    "WarningRuleChangeForm",
    "rule_change_initial",
    "ProvisionPolicyForm",
    "provision_policy_initial",
    "ProvisionQueryForm",
    "CollectionForecastForm",
]

from risk.forms.credit import CreditExceptionForm, credit_exception_initial  # noqa: E402 — appended: credit control (#16)

__all__ += ["CreditExceptionForm", "credit_exception_initial"]

from risk.forms.credit import HoldReleaseForm  # noqa: E402 — appended: credit holds (#16)

__all__ += ["HoldReleaseForm"]

from risk.forms.credit import CreditPolicyForm, credit_policy_initial  # noqa: E402 — appended: credit policy (#16)

__all__ += ["CreditPolicyForm", "credit_policy_initial"]

from risk.forms.credit import LimitAcceptForm  # noqa: E402 — appended: suggested limits (#16)

__all__ += ["LimitAcceptForm"]

from risk.forms.write_offs import RecoveryForm, WriteOffForm, WriteOffReversalForm  # noqa: E402 — appended: write-offs (#16)

__all__ += ["RecoveryForm", "WriteOffForm", "WriteOffReversalForm"]
