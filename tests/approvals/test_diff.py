"""The generic snapshot diff: added, removed and changed keys and list items, readable."""

from approvals.diff import ADDED, CHANGED, REMOVED, show, snapshot_diff


def kinds(old, new):
    return [(c.path, c.kind, c.old, c.new) for c in snapshot_diff(old, new)]


def test_keys_added_removed_changed_and_nested():
    assert kinds({"a": 1, "b": 2, "n": {"x": 1}}, {"a": 1, "c": 3, "n": {"x": 2}}) == [
        ("b", REMOVED, 2, None),
        ("c", ADDED, None, 3),
        ("n.x", CHANGED, 1, 2),
    ]


def test_records_are_matched_by_their_key_not_their_position():
    old = {"lines": [{"month": "2026-01", "amount": "10"}, {"month": "2026-02", "amount": "20"}]}
    new = {"lines": [{"month": "2026-03", "amount": "30"}, {"month": "2026-02", "amount": "25"}]}
    assert kinds(old, new) == [
        ("lines[month=2026-01]", REMOVED, {"month": "2026-01", "amount": "10"}, None),
        ("lines[month=2026-02].amount", CHANGED, "20", "25"),
        ("lines[month=2026-03]", ADDED, None, {"month": "2026-03", "amount": "30"}),
    ]


def test_scalar_lists_as_sets_and_positional_lists():
    assert kinds({"t": ["a", "b"]}, {"t": ["b", "c"]}) == [("t", REMOVED, "a", None), ("t", ADDED, None, "c")]
    assert kinds({"t": ["a", "b"]}, {"t": ["b", "a"]}) == [("t", CHANGED, ["a", "b"], ["b", "a"])]
    assert kinds({"t": [[1], [2]]}, {"t": [[1]]}) == [("t[1]", REMOVED, [2], None)]


def test_no_change_and_type_change():
    assert snapshot_diff({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]}) == []
    assert kinds({"a": 1}, {"a": [1]}) == [("a", CHANGED, 1, [1])]
    assert kinds(None, {"a": 1}) == [("a", ADDED, None, 1)]


def test_show_is_readable():
    assert show({"月份": "2026-01", "金额": "10.00"}) == "月份: 2026-01; 金额: 10.00"
    assert show(None) == "—" and show(True) == "✓" and show([1, 2]) == "1, 2"
