from approvals import services


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
