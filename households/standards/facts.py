"""Facts about a household's members that the plans' indicators count (not part of any standard)."""

from dataclasses import dataclass

from .records import VOCATIONAL, Member, Standard

STEADY_WORK = ("wage_contract", "self_employed")
# Global bit of each deprivation indicator in Household.deprivation_mask. Append new names; never reorder.
DEPRIVATION_BITS = {
    name: 1 << i
    for i, name in enumerate(
        [
            "health_access",
            "health_insurance",
            "adult_education",
            "child_school",
            "housing_quality",
            "housing_area",
            "water",
            "latrine",
            "telecom",
            "information_assets",
            "employment",
            "dependents",
            "nutrition",
            "information_means",
            "waste",
        ]
    )
}


@dataclass(frozen=True)
class MemberFacts:
    insured_members: int
    working_age_members: int
    trained_workers: int  # vocational, college or university qualification, or a training certificate
    vocational_workers: int  # vocational qualification or a training certificate
    has_steady_worker: bool  # a working-age member with a contract job or self-employed


def member_facts(members: tuple[Member, ...], standard: Standard, year: int) -> MemberFacts:
    """Works on engine members or stored ones: it reads only their attributes. Working age is the standard's
    rule for the review `year` (the same as its employment deprivation)."""
    workers = [m for m in members if standard.is_working_age(m.age, m.sex, year)]
    return MemberFacts(
        insured_members=sum(m.health_insurance for m in members),
        working_age_members=len(workers),
        trained_workers=sum(
            m.job_training_certificate or m.education in VOCATIONAL or m.education == "university" for m in workers
        ),
        vocational_workers=sum(m.job_training_certificate or m.education in VOCATIONAL for m in workers),
        has_steady_worker=any(m.employment in STEADY_WORK for m in workers),
    )


def deprivation_mask(deprivations) -> int:
    mask = 0
    for name in deprivations:
        mask |= DEPRIVATION_BITS[name]
    return mask
