"""Forms of risk control, one module per subject (credit ratings, special events); the public names are re-exported here."""

from risk.forms.events import (
    AddStepForm,
    AssignOwnerForm,
    CloseForm,
    CompleteStepForm,
    EventReportForm,
    NoteForm,
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
    WarningRuleForm,
    WarningRunForm,
)

__all__ = [
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
]
