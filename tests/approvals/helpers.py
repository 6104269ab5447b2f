from approvals import services, subjects
from approvals.subjects import register_subject, registered_subjects, unregister_subject


def submit(personas, units, *, by, kind, unit, subject=None, amount=None, title="计划", snapshot=None):
    return services.request_submit(
        subject=subject or units[unit],
        kind=kind,
        unit=units[unit],
        title=title,
        snapshot={"body": title} if snapshot is None else snapshot,
        by=personas[by].user,
        amount=amount,
    )


def declare_subject(monkeypatch, model, **declaration):
    """Declare `model` an approval subject (approvals.subjects.register_subject) until the end of the test:
    the registry is a copy for the test, put back by `monkeypatch` afterwards."""
    monkeypatch.setattr(subjects, "_SUBJECTS", registered_subjects())
    unregister_subject(model)
    return register_subject(model, **declaration)
