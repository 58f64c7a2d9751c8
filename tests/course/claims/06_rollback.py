"""Numbers quoted in the prose of notebooks/06_rollback.ipynb, recomputed from the lesson's namespace."""

_INCOME = "(lambda v: float(scaler[v].mean_[features.index('income')]))"
_AFTER_ROLLBACK = "timeline.loc[11:, 'accuracy']"
_CHANGED = "int((mixed != old.predict(check)).sum())"

CLAIMS: dict[str, str] = {
    "a fixed check batch of 2000 applications": "f'a fixed check batch of {len(check)} applications'",
    "differ by a factor of about 1000: version 1 learned 56.4 (thousand dollars),\nversion 2 learned 57,889.9": f"(lambda m1, m2: f'differ by a factor of about {{round(m2 / m1, -3):.0f}}: version 1 learned {{m1:.1f}}"
    f" (thousand dollars),\\nversion 2 learned {{m2:,.1f}}')({_INCOME}(v1), {_INCOME}(v2))",
    "On day 10 version 2 gets 0.742 of the loans right": "(lambda day: f'On day {day.name} version {day.model_version} gets {day.accuracy:.3f} of the loans right')"
    "(timeline.loc[10])",
    "so one bad day is enough to cross 0.80": "'so one bad day is ' + ('enough' if 'performance' in timeline.loc[10, 'alert_kinds'] else 'not enough')"
    " + ' to cross 0.80'",
    "from day 11 version 1\nserves again": "(lambda served: f'from day 11 version {served.iloc[0]}\\nserves again' if served.nunique() == 1 else 'mixed')"
    "(timeline.loc[11:, 'model_version'])",
    "The champion is version 1 again, and its predictions on the check batch are identical": "f'The champion is version {restored.version} again, and its predictions on the check batch are '"
    " + ('identical' if np.array_equal(before, after) else 'different')",
    "The frame\nit returns equals the one version 1 was trained on, every value and every dtype": "'The frame\\nit returns '"
    " + ('equals' if train_back.equals(train1) and train_back.dtypes.equals(train1.dtypes) else 'differs from')"
    " + f' the one version {restored.version} was trained on, every value and every dtype'",
    "More than a quarter of the predictions change": f"('More than a quarter' if {_CHANGED} > len(check) / 4 else 'Less than a quarter') + ' of the predictions change'",
    "Over 30 clean days, version 2's reference (incomes in dollars) flags `income` as drifted\nevery day; version 1's"
    " reference flags it on 2 days": "(lambda days, f2, f1: f\"Over {days} clean days, version 2's reference (incomes in dollars) flags `income` as"
    " drifted\\n{'every day' if f2 == days else f'on {f2} days'}; version 1's reference flags it on {f1} days\")"
    "(len(clean_days), flagged['version 2 reference'], flagged['version 1 reference'])",
    "scored 0.742 on its first day; the alert fired that day and\n  moving `champion` back to version 1 restored a daily"
    " accuracy of 0.808 to 0.88 on days 11-29": '(lambda day, low, high: f"scored {day.accuracy:.3f} on its first day; the alert fired"'
    " + (' that day' if 'performance' in day.alert_kinds else ' later') + f\" and\\n  moving `champion` back to"
    ' version 1 restored a daily accuracy of {low} to {high} on days 11-29")'
    f"(timeline.loc[10], round(float({_AFTER_ROLLBACK}.min()), 3), round(float({_AFTER_ROLLBACK}.max()), 3))",
    "version 1's probabilities on 2000 check rows were identical": 'f"version {restored.version}\'s probabilities on {len(check)} check rows were "'
    " + ('identical' if np.array_equal(before, after) else 'different')",
    "changed 550 of 2000 predictions (accuracy 0.844 → 0.719);\n  version 2's reference made income look drifted on all"
    " 30 clean days, version 1's on 2": f'(lambda changed, a1, a2, days, f2, f1: f"changed {{changed}} of {{len(check)}} predictions (accuracy {{a1:.3f}}'
    f" → {{a2:.3f}});\\n  version 2's reference made income look drifted on {{'all ' if f2 == days else ''}}{{f2}}"
    f" clean days, version 1's on {{f1}}\")({_CHANGED}, models.accuracy(old, check),"
    " float(np.mean(mixed == check['default'])), len(clean_days), flagged['version 2 reference'],"
    " flagged['version 1 reference'])",
}

NOT_COMPUTED: dict[str, str] = {
    "accuracy falls below 0.80": "the alert threshold the lesson chooses (simulate_stream(threshold=0.80))",
}
