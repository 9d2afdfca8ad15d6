"""Rules added for diplomatic events and the dating of background (issue 4, rules round 7b): each with sentences
written for the test, not taken from an article."""

import pandas as pd

from tests.factories import diplomatic, only, read_story


def actions(events: pd.DataFrame) -> list[str]:
    return sorted(diplomatic(events)["diplomatic_action"].tolist())


# ----- a diplomatic act said not to have happened ------------------------------------------------------

def test_a_truce_said_not_to_have_collapsed_has_not_ended(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "Sudan's army and the Rapid Support Forces traded blame on Friday over shelling in the capital. "
        "Both commands said on Saturday that the truce had not collapsed, though each blamed the other for the "
        "shelling."))
    assert "ceasefire_ended" not in actions(events)


def test_a_truce_said_to_have_collapsed_still_ends(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "Sudan's army said on Saturday that the truce with the Rapid Support Forces had collapsed after a night "
        "of shelling in the capital."))
    assert "ceasefire_ended" in actions(events)


# ----- a date nearer another act of the clause dates that act ------------------------------------------

def test_a_date_after_a_later_act_does_not_date_the_first(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "Negotiations in Jeddah between Sudan's army and the Rapid Support Forces have ended without a deal, "
        "mediators said, raising fears that a shaky truce agreed last month could unravel."))
    failed = only(diplomatic(events), diplomatic_action="talks_failed")
    assert failed["date_precision"] != "month"  # "last month" dates the truce, not the failure
    assert failed["location"] == "Jeddah"


def test_a_frame_date_before_two_acts_dates_both(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "A rebel commander quoted on Wednesday by a local radio station said the army was not respecting the "
        "truce, and warned that his fighters would respond if the shelling went on."))
    threat = only(diplomatic(events), diplomatic_action="threat")
    assert threat["event_date"] == pd.Timestamp("2024-06-05")


# ----- a chain of rounds, each with its own date and venue ---------------------------------------------

CHAIN = ("Sudan's army and the Rapid Support Forces ended a fourth round of talks in Cairo on Friday without "
         "a deal. It followed a first round in Jeddah on March 3-4 that produced the truce, and a Geneva meeting "
         "that began on April 10 and ended three days later with an agreement to open aid corridors.")


def test_each_round_of_a_chain_is_an_event_with_its_own_day_and_city(tmp_path):
    events = diplomatic(read_story(tmp_path, "2024-06-08", CHAIN))
    held = events[events["diplomatic_action"] == "talks_held"].sort_values("event_date")
    assert list(held["location"]) == ["Jeddah", "Geneva"]
    assert list(held["event_date"]) == [pd.Timestamp("2024-03-03"), pd.Timestamp("2024-04-10")]
    truce = only(events, diplomatic_action="ceasefire_agreed")
    assert (truce["location"], truce["event_date"]) == ("Jeddah", pd.Timestamp("2024-03-03"))
    deal = only(events, diplomatic_action="agreement_signed")
    assert (deal["location"], deal["event_date"]) == ("Geneva", pd.Timestamp("2024-04-13"))


def test_a_numbered_round_that_opened_is_talks_held(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "The second round, hosted by Egypt with Saudi Arabia also mediating, had opened in Cairo on Thursday."))
    held = only(diplomatic(events), diplomatic_action="talks_held")
    assert (held["location"], held["event_date"]) == ("Cairo", pd.Timestamp("2024-06-06"))


def test_a_round_of_fighting_is_no_talks(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "A second round of fighting began in the capital on Thursday, residents said, and shells hit a market."))
    assert "talks_held" not in actions(events)


def test_talks_that_brought_delegations_together_were_held(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "The talks in Jeddah on Saturday brought together the army chief and a senior commander of the Rapid "
        "Support Forces."))
    held = only(diplomatic(events), diplomatic_action="talks_held")
    assert (held["location"], held["event_date"]) == ("Jeddah", pd.Timestamp("2024-06-08"))


def test_the_next_round_would_open_is_scheduled_talks(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "Sudan's army and the Rapid Support Forces met in Jeddah on Friday. Mediators said on Saturday that "
        "the next round would open in Cairo on June 20."))
    scheduled = only(diplomatic(events), diplomatic_action="talks_scheduled")
    assert (scheduled["location"], scheduled["event_date"]) == ("Cairo", pd.Timestamp("2024-06-08"))


def test_a_dated_agreement_named_after_its_city(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "The Jeddah agreement of May 11, mediated by Saudi Arabia and the United States, was meant to protect "
        "civilians."))
    deal = only(diplomatic(events), diplomatic_action="agreement_signed")
    assert (deal["location"], deal["event_date"]) == ("Jeddah", pd.Timestamp("2024-05-11"))


# ----- a truce kept, a breach of "it", a failure commented on, a purpose phrase ------------------------

def test_agreeing_to_keep_the_truce_reaffirms_it(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "The talks in Jeddah ended on Friday with both sides agreeing to keep the truce agreed in Cairo and to "
        "meet again in July."))
    got = actions(events)
    assert "ceasefire_reaffirmed" in got and "ceasefire_agreed" not in got
    assert "talks_scheduled" in got


def test_accused_of_breaching_it_after_the_truce_is_a_breach(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "Both commands said on Saturday that the truce was still in place, but each accused the other of "
        "breaching it."))
    assert "ceasefire_violated" in actions(events)


def test_the_failure_of_the_talks_commented_on_is_not_a_second_failure(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "Talks in Jeddah between Sudan's army and the Rapid Support Forces collapsed on Friday, mediators said.\n\n"
        "Aid groups said on Saturday that fuel for hospitals was running low.\n\n"
        "Analysts said the failure of the talks left both sides with few ways to manage the fighting."))
    assert actions(events) == ["talks_failed"]


def test_talks_with_a_purpose_that_broke_down_failed(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "Talks in Jeddah aimed at turning the truce into a lasting settlement broke down in early May, with "
        "both sides blaming each other."))
    got = actions(events)
    assert "talks_failed" in got and "ceasefire_ended" not in got
    failed = only(diplomatic(events), diplomatic_action="talks_failed")
    assert (failed["event_date"], failed["date_precision"]) == (pd.Timestamp("2024-05-01"), "month")


def test_a_quoted_promise_to_respond_appropriately_is_a_threat(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "A drone hit a fuel depot in Port Sudan on Saturday, the army said. The army condemned the strike and "
        "said it would \"respond appropriately at the right time\"."))
    assert "threat" in actions(events)


def test_a_quoted_immediate_truce_was_agreed(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "Sudan's army and the Rapid Support Forces have agreed to an \"immediate ceasefire\" after talks in "
        "Jeddah, the Saudi foreign ministry said early on Saturday."))
    truce = only(diplomatic(events), diplomatic_action="ceasefire_agreed")
    assert (truce["location"], truce["event_date"]) == ("Jeddah", pd.Timestamp("2024-06-08"))


# ----- what closed a span of talks is dated at its last day, made where they met ----------------------

def test_a_span_from_one_day_to_another_gives_its_last_day():
    from datetime import date

    from loaders.textdates import find_dates
    text = "The envoys, who met from May 20 to 24, then flew home."
    assert [d.day for d in find_dates(text, date(2024, 6, 8))] == [date(2024, 5, 20), date(2024, 5, 24)]
    # a day range without "from ... to" stays one date, and a count after "to" is no day
    assert [d.day for d in find_dates("Clashes on May 3-4 killed ten.", date(2024, 6, 8))] == [date(2024, 5, 3)]
    assert [d.day for d in find_dates("From May 3 to 12 percent of the crops were lost.", date(2024, 6, 8))] == \
        [date(2024, 5, 3)]


def test_the_outcome_of_a_span_of_talks_is_dated_at_its_end_and_placed_where_they_met(tmp_path):
    events = diplomatic(read_story(tmp_path, "2024-06-08", (
        "Sudan's army and the Rapid Support Forces held a first round of talks in Cairo last month. "
        "The first round, which ran from May 20 to 24, had ended with both sides agreeing to keep the truce "
        "signed in Jeddah and to meet again on June 15.")))
    kept = only(events, diplomatic_action="ceasefire_reaffirmed")
    assert (kept["location"], kept["event_date"]) == ("Cairo", pd.Timestamp("2024-05-24"))
    scheduled = only(events, diplomatic_action="talks_scheduled")
    assert (scheduled["location"], scheduled["event_date"]) == ("Cairo", pd.Timestamp("2024-05-24"))


def test_talks_counted_from_days_back_are_background(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "A car bomb killed six people in Khartoum on Monday, the army said. The bombing came days after talks in "
        "Cairo between the two sides ended without agreement."))
    assert "talks_failed" not in actions(events)
    assert not events[events["diplomatic_action"].isna()].empty  # the bombing itself is still read


def test_a_truce_told_vaguely_in_the_month_its_agreement_is_told_to_the_day_is_a_recap(tmp_path):
    events = diplomatic(read_story(tmp_path, "2024-06-08", (
        "The Jeddah agreement of May 11, mediated by Saudi Arabia, was meant to protect civilians.\n\n"
        "An analyst said the truce reached in Jeddah last month was in danger of collapse.")))
    assert list(events["event_date"]) == [pd.Timestamp("2024-05-11")]


# ----- dated background: a violence noun told as the cause, after a month --------------------------------

def test_explosions_in_a_town_after_a_month_are_dated_background(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "Talks between Sudan's army and the Rapid Support Forces in Jeddah ended on Friday without a deal. "
        "Relations had soured in early May after explosions in Port Sudan that the army blamed on its rival."))
    violent = events[events["diplomatic_action"].isna()]
    row = only(violent, location="Port Sudan")
    assert (row["event_date"], row["date_precision"]) == (pd.Timestamp("2024-05-01"), "month")


def test_a_month_without_a_violence_noun_after_it_is_no_event(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "Talks between Sudan's army and the Rapid Support Forces in Jeddah ended on Friday without a deal. "
        "Relations had soured in early May, and explosions are feared in Port Sudan."))
    assert events[events["diplomatic_action"].isna()].empty


# ----- an act timed by the truce it falls in is a breach ---------------------------------------------------

def test_strikes_hours_before_a_truce_was_due_to_end_breach_it(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "Sudan's army and the Rapid Support Forces agreed a 72-hour truce on Tuesday. Hours before it was due to "
        "end, on Thursday night, army drones struck a depot in Omdurman, residents said."))
    breach = only(diplomatic(events), diplomatic_action="ceasefire_violated")
    assert breach["event_date"] == pd.Timestamp("2024-06-06")
    assert not events[events["diplomatic_action"].isna()].empty  # the strike is an event too


def test_strikes_hours_before_a_truce_took_effect_are_no_breach(tmp_path):
    events = read_story(tmp_path, "2024-06-08", (
        "Sudan's army and the Rapid Support Forces agreed a 72-hour truce on Tuesday. Hours before the truce "
        "took effect, army drones struck a depot in Omdurman, residents said."))
    assert "ceasefire_violated" not in actions(events)


# ----- a year is no date of an event when the figure counts a part of the year ------------------------------

def test_a_count_over_the_first_months_of_a_year_is_no_event(tmp_path):
    events = read_story(tmp_path, "2024-11-12", (
        "A car bomb killed six soldiers in Omdurman on Monday, the army said. According to a research group, more "
        "than 900 civilians were killed in attacks across the country in the first ten months of 2024."))
    assert pd.Timestamp("2024-01-01") not in set(events["event_date"])
    assert list(events["event_date"].unique()) == [pd.Timestamp("2024-11-11")]
