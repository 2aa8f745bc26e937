"""The seeded synthetic national dataset: determinism, calibration, rule consistency, validity."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date
from functools import cache

import numpy as np
import pytest

from specialmeasures.demo import GROUPS, LABEL, SyntheticCountry, generate, trajectory_groups
from specialmeasures.demo.inspections import aggregate_overall, meets_entry_rule, meets_exit_rule
from specialmeasures.demo.latent import early_warning_score
from specialmeasures.demo.regime import entry_follows_rule, exit_follows_rule
from specialmeasures.demo.timeline import EVER_BY, RSP_START, month_index
from specialmeasures.domain import (
    IndicatorKind,
    Inspection,
    KeyQuestion,
    ProviderType,
    Rating,
    Regime,
    RegimeEpisode,
)
from specialmeasures.domain.provider import ODS_CODE


@cache
def country(seed: int = 2013) -> SyntheticCountry:
    return generate(seed)


def own_inspections(c: SyntheticCountry, code: str) -> list[Inspection]:
    return sorted(
        (i for i in c.inspections if i.provider_code == code), key=lambda i: i.publication_date
    )


def test_same_seed_gives_identical_data() -> None:
    a, b = country(), generate(2013)
    for name in ("value", "numerator", "denominator", "expected"):
        np.testing.assert_array_equal(getattr(a.observations, name), getattr(b.observations, name))
    assert (a.observations.provider_code == b.observations.provider_code).all()
    assert (a.observations.period == b.observations.period).all()
    np.testing.assert_array_equal(a.truth.latent.quality, b.truth.latent.quality)
    assert a.providers == b.providers
    assert a.inspections == b.inspections
    assert a.episodes == b.episodes


def test_different_seeds_differ_but_keep_the_headline_counts() -> None:
    other = generate(7)
    assert not np.array_equal(other.observations.value, country().observations.value)
    s = other.summary()
    assert s["entered_smq_or_cp_jul2013_sep2019"] == 59
    assert s["ever_smq_or_cp_by_oct2019"] == 62


def test_default_seed_hits_the_seed_paper_counts() -> None:
    s = country().summary()
    assert s["providers"] == 217
    assert s["entered_smq_or_cp_jul2013_sep2019"] == 59
    assert s["ever_smq_or_cp_by_oct2019"] == 62
    assert s["smq_reentries"] >= 3
    assert 11 <= s["keogh_day_smq_entries"] <= 14
    assert 12.0 <= s["smq_exited_within_24m_pct"] <= 20.0
    assert 20.0 <= s["smq_mean_completed_stay_months"] <= 30.0


def test_every_trajectory_group_has_at_least_two_trusts() -> None:
    c = country()
    found: Counter[str] = Counter()
    for p in c.providers:
        own = [e for e in c.episodes if e.provider_code == p.code]
        found.update(trajectory_groups(own, own_inspections(c, p.code), EVER_BY))
    designed = Counter(c.truth.designed_group.values())
    for group in GROUPS:
        assert found[group] >= 2, group
        assert designed[group] >= 2, group


def test_smq_and_rsp_entries_follow_the_rule_or_are_recorded_judgements() -> None:
    c = country()
    notes = {n.episode: n for n in c.truth.episode_notes}
    judged = {(j.provider_code, j.day) for j in c.truth.judgements}
    for k, e in enumerate(c.episodes):
        note = notes[k]
        assert note.provider_code == e.provider_code
        assert note.regime is e.regime
        if e.regime is Regime.CP or note.entry_basis == "transfer_from_smq":
            continue
        if entry_follows_rule(e, own_inspections(c, e.provider_code)):
            assert note.entry_basis in ("rule", "keogh_review")
        else:
            assert note.entry_basis == "judgement_no_recommendation"
            assert (e.provider_code, e.start) in judged


def test_exits_follow_a_qualifying_reinspection_or_the_close_of_smq() -> None:
    c = country()
    notes = {n.episode: n for n in c.truth.episode_notes}
    exits = 0
    for k, e in enumerate(c.episodes):
        if e.regime is Regime.CP or e.end is None:
            continue
        if e.end == RSP_START and e.regime is Regime.SMQ:
            assert notes[k].exit_basis == "regime_closed_transfer_to_rsp"
            assert any(
                o.regime is Regime.RSP
                and o.start == RSP_START
                and o.provider_code == e.provider_code
                for o in c.episodes
            )
            continue
        assert exit_follows_rule(e, own_inspections(c, e.provider_code)), e
        exits += 1
    assert exits >= 20


def test_no_trust_outside_a_regime_meets_the_entry_rule_unnoticed() -> None:
    c = country()
    entries = {(e.provider_code, e.regime) for e in c.episodes}
    for i in c.inspections:
        if not meets_entry_rule(dict(i.ratings)):
            continue
        placed_soon = [
            e for e in c.episodes
            if e.provider_code == i.provider_code and 0 <= (e.start - i.publication_date).days <= 40
        ]  # fmt: skip
        in_regime = [
            e for e in c.episodes
            if e.provider_code == i.provider_code and e.regime is not Regime.CP
            and e.active_on(i.publication_date)
        ]  # fmt: skip
        assert placed_soon or in_regime, (i, entries)


def test_early_warning_cp_entries_saw_the_threshold_crossed() -> None:
    c = country()
    quality = c.truth.latent.matrix(len(c.providers))
    score = early_warning_score(quality)
    index = {p.code: n for n, p in enumerate(c.providers)}
    for note in c.truth.episode_notes:
        if note.regime is Regime.CP and note.entry_basis == "early_warning":
            t = month_index(note.start, c.start)
            if t >= 0:
                assert score[index[note.provider_code], t] < c.truth.cp_threshold


def test_cp_never_overlaps_smq_and_episodes_are_well_formed() -> None:
    c = country()
    by_trust: dict[str, list[RegimeEpisode]] = {}
    for e in c.episodes:
        by_trust.setdefault(e.provider_code, []).append(e)
    for episodes in by_trust.values():
        spans = sorted((e.start, e.end or date.max) for e in episodes if e.regime is not Regime.RSP)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end
    assert all(e.regime is not Regime.SMQ or e.start < RSP_START for e in c.episodes)


def test_overall_ratings_follow_the_aggregation_rules() -> None:
    c = country()
    judged = 0
    for i in c.inspections:
        five = {kq: i.ratings[kq] for kq in KeyQuestion.five()}
        rule = aggregate_overall(five)
        if rule is None:
            judged += 1
            assert i.overall in (Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT)
        else:
            assert i.overall is rule
        assert i.publication_date > i.inspection_date
    assert judged == c.summary()["judgement_overall_one_inadequate"]


def test_rating_distribution_is_plausible() -> None:
    overall = Counter(i.overall for i in country().inspections)
    total = sum(overall.values())
    assert 0.35 < overall[Rating.REQUIRES_IMPROVEMENT] / total < 0.75
    assert overall[Rating.GOOD] > overall[Rating.INADEQUATE] > 0
    assert overall[Rating.OUTSTANDING] > 0


def test_exit_rule_helper() -> None:
    ratings = dict.fromkeys(KeyQuestion.five(), Rating.GOOD)
    ratings[KeyQuestion.OVERALL] = Rating.GOOD
    assert meets_exit_rule(ratings)
    ratings[KeyQuestion.SAFE] = Rating.INADEQUATE
    assert not meets_exit_rule(ratings)


def test_observations_are_valid_against_their_definitions() -> None:
    c = country()
    obs = c.observations
    n = len(obs)
    assert 550_000 < n < 750_000
    for column in (obs.provider_code, obs.indicator_id, obs.period, obs.numerator):
        assert column.shape == (n,)
    assert obs.period.dtype == np.dtype("datetime64[D]")
    assert (obs.period.astype("datetime64[M]").astype("datetime64[D]") == obs.period).all()
    assert np.isfinite(obs.value).all()
    definitions = {d.id: d for d in c.indicators}
    assert len(definitions) >= 20
    for ind, d in definitions.items():
        rows = obs.indicator_id == ind
        assert rows.any(), ind
        if d.kind is IndicatorKind.PROPORTION:
            assert ((obs.value[rows] >= 0) & (obs.value[rows] <= 1)).all(), ind
            assert (obs.numerator[rows] <= obs.denominator[rows]).all(), ind
        if d.needs_denominator:
            assert (obs.denominator[rows] > 0).all(), ind
        if d.needs_expected:
            assert (obs.expected[rows] > 0).all(), ind
    sample = np.random.default_rng(0).choice(n, size=3000, replace=False)
    for o in obs.observations(sample):
        o.check_against(definitions[o.indicator_id])


def test_indicators_apply_to_the_right_trust_types() -> None:
    c = country()
    kind = {p.code: p.type for p in c.providers}
    types_with = {
        ind: {kind[str(code)] for code in set(c.observations.provider_code[
            c.observations.indicator_id == ind].tolist())}
        for ind in ("ae_four_hour", "cat1_response", "mh_followup_72h")
    }  # fmt: skip
    assert ProviderType.MENTAL_HEALTH not in types_with["ae_four_hour"]
    assert types_with["cat1_response"] == {ProviderType.AMBULANCE}
    assert types_with["mh_followup_72h"] == {ProviderType.MENTAL_HEALTH}


def test_truth_records_a_known_smq_effect_with_stigma_on_workforce() -> None:
    effects = country().truth.smq_effects
    assert set(effects) == {d.id for d in country().indicators}
    turnover = effects["staff_turnover"].per_month()
    assert turnover[0] > 0 > turnover[-1]  # worse on entry (stigma), better later
    assert effects["shmi"].per_month()[24] < 0


def test_provider_mix_and_labels() -> None:
    c = country()
    types = Counter(p.type for p in c.providers)
    assert 125 <= types[ProviderType.ACUTE] + types[ProviderType.ACUTE_AND_COMMUNITY] <= 140
    assert types[ProviderType.AMBULANCE] == 10
    assert 45 <= types[ProviderType.MENTAL_HEALTH] <= 52
    assert len({p.region for p in c.providers}) == 7
    assert 38 <= len({p.system for p in c.providers}) <= 46
    assert len({p.code for p in c.providers}) == 217
    for p in c.providers:
        assert p.synthetic
        assert "synthetic" in p.name
        assert ODS_CODE.match(p.code)
        assert len(p.code) == 3
        assert p.code.startswith("Z")
        assert p.latitude is not None
        assert 46 <= p.latitude <= 52
        assert p.longitude is not None
        assert -36 <= p.longitude <= -27
    assert c.label == LABEL
    assert "Synthetic" in c.describe()


#: A small deny-list: real places, real trusts' distinctive words.
DENY = (
    "london", "manchester", "birmingham", "leeds", "liverpool", "bristol", "sheffield",
    "shrewsbury", "telford", "lincoln", "medway", "colchester", "tameside", "basildon",
    "burton", "sherwood", "cumbria", "norfolk", "suffolk", "kent", "essex", "york", "oxford",
    "cambridge", "guy", "barts", "king's", "lynn", "blackpool", "dudley", "stafford", "mid ",
)  # fmt: skip


def test_no_real_place_or_trust_names() -> None:
    c = country()
    names = [p.name for p in c.providers] + [p.region for p in c.providers]
    names += [p.system for p in c.providers]
    for name in names:
        lower = name.lower()
        assert not any(word in lower for word in DENY), name


def test_progress_is_reported_and_bad_arguments_are_refused() -> None:
    seen: list[tuple[str, int, int]] = []
    generate(3, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert seen[-1][1] == seen[-1][2]
    assert len(seen) >= 4
    with pytest.raises(ValueError, match="n_providers"):
        generate(n_providers=20)
    with pytest.raises(ValueError, match="start"):
        generate(start=date(2015, 1, 1))


def test_a_shorter_period_cuts_episodes_cleanly() -> None:
    c = generate(2013, end=date(2019, 12, 1))
    assert all(e.start <= date(2019, 12, 1) for e in c.episodes)
    assert all(e.end is None or e.end <= date(2019, 12, 1) for e in c.episodes)
    assert c.observations.period.max() == np.datetime64("2019-12-01")
    assert c.summary()["ever_smq_or_cp_by_oct2019"] == 62


def test_unplaced_crises_mirror_smq_crises_and_never_enter_a_regime() -> None:
    c = country()
    unplaced = [code for code, role in c.truth.role.items() if role == "unplaced_crisis"]
    assert len(unplaced) == 32
    in_regime = {e.provider_code for e in c.episodes}
    assert not in_regime & set(unplaced)
    assert all(c.truth.designed_group[code] == "never_in_regime" for code in unplaced)
    crises = {s.provider_code: s for s in c.truth.spells if s.cause == "unplaced_crisis"}
    smq = [s for s in c.truth.spells if s.cause == "smq_crisis"]
    assert set(crises) == set(unplaced)
    # As deep as an SMQ crisis, and each starts on the day an SMQ entrant's crisis starts.
    assert min(s.magnitude for s in crises.values()) >= 1.7 - 1e-9
    assert max(s.magnitude for s in crises.values()) <= 2.3 + 1e-9
    starts = {s.start for s in smq}
    assert all(s.start in starts for s in crises.values())
    # Their routine inspections never met the entry rule (calibrated, as every routine one is).
    assert not any(
        meets_entry_rule(dict(i.ratings)) for i in c.inspections if i.provider_code in crises
    )


def test_without_unplaced_crises_only_regime_trusts_fall_that_far() -> None:
    c = generate(2013, unplaced=False)
    assert "unplaced_crisis" not in set(c.truth.role.values())
    assert not any(s.cause == "unplaced_crisis" for s in c.truth.spells)
    assert c.summary()["entered_smq_or_cp_jul2013_sep2019"] == 59
