"""Four eyes and who may file account requests, as the task pages can ask before showing a review."""

from __future__ import annotations

from types import SimpleNamespace

from app.accounts.policy import may_file, may_review, may_work

REQUEST = {"requester": "townstaff1", "request_kind": "freeze", "account_username": "clerk1"}


def person(username: str, role: str = "county_reviewer", active: bool = True) -> SimpleNamespace:
    return SimpleNamespace(username=username, role=role, active=active, point_code=None, town_code=None)


def test_nobody_reviews_their_own_request_or_one_about_themselves():
    assert may_review(person("reviewer1"), REQUEST)
    assert not may_review(person("townstaff1"), REQUEST)
    assert not may_review(person("clerk1"), REQUEST)
    assert not may_review(person("reviewer1", active=False), REQUEST)
    # a new account's username names nobody yet: only the requester is excluded
    assert may_review(person("newbie"), {**REQUEST, "request_kind": "new", "account_username": "newbie"})


def test_may_work_applies_four_eyes_to_the_review_only():
    assert not may_work(person("townstaff1"), "account_review", REQUEST)
    assert may_work(person("townstaff1"), "account_revise_town", REQUEST)
    assert may_work(person("townstaff1"), "item11_review", {})


def test_filers_are_point_and_town_administrators_and_admins():
    assert [may_file(person("x", role)) for role in ("clerk", "town_staff", "admin")] == [True] * 3
    assert not any(may_file(person("x", role)) for role in ("county_reviewer", "supervisor", "analyst"))
    assert not may_file(person("x", "clerk", active=False))
