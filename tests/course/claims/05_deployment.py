"""Numbers quoted in the prose of notebooks/05_deployment.ipynb, recomputed from the lesson's namespace.

The practice cell rebinds ``stream``, ``before``, ``after`` and ``model``: the expressions read the served stream from
the prediction log and the daily tables instead.
"""

_DAY = "daily.set_index('day')"
_RETRAINED = "retrained.set_index('day')"
_WORDS = "{1: 'one', 2: 'two', 3: 'three', 15: 'fifteen'}"
_FIRST_ALERT = "int(alerts['day'].min())"
_FIRST_CUMULATIVE = "int(daily.loc[daily['cumulative_accuracy'] < 0.80, 'day'].min())"
_DRIFT_DAY = "15"  # the lesson's make_drifted_stream(drift_day=15): a parameter, not a result

CLAIMS: dict[str, str] = {
    "here all 2500 training rows": "f'here all {len(train)} training rows'",
    "a stream of 30 days,\n500 applications a day": "(lambda per_day: f'a stream of {per_day.size} days,\\n{per_day.iloc[0]} applications a day'"
    " if per_day.nunique() == 1 else 'uneven days')(log.to_frame().groupby('day').size())",
    "Before the drift both read about 0.85": f"(lambda cumulative, window: f'Before the drift both read about {{cumulative:.2f}}' if f'{{cumulative:.2f}}'"
    f" == f'{{window:.2f}}' else 'they differ')({_DAY}.loc[14, 'cumulative_accuracy'], {_DAY}.loc[14, 'window_accuracy'])",
    "From day 15 the model gets only about two loans in three right": f"(lambda share: f'From day {_DRIFT_DAY} the model gets only about '"
    " + {2: 'two loans in three'}.get(round(3 * share), f'{share:.2f}') + ' right')"
    f"({_DAY}.loc[15:, 'accuracy'].mean())",
    "by day 29 the cumulative accuracy still reads 0.743: fifteen good days": f"(lambda day: f'by day {{day.name}} the cumulative accuracy still reads {{day.cumulative_accuracy:.3f}}: '"
    f" + {_WORDS}[int((daily['day'] < {_DRIFT_DAY}).sum())] + ' good days')({_DAY}.iloc[-1])",
    "The window\naccuracy is 0.633": f"(lambda value: f'The window\\naccuracy is {{value:.3f}}')({_DAY}.loc[29, 'window_accuracy'])",
    "The first alert comes on day 16, one day after the drift started": f"(lambda first, drift: f'The first alert comes on day {{first}}, ' + {_WORDS}[first - drift]"
    f" + (' day' if first - drift == 1 else ' days') + ' after the drift started')({_FIRST_ALERT}, {_DRIFT_DAY})",
    "Every alert is a performance alert: no\ndrift alert fires": "'Every alert is a performance alert: no\\ndrift alert fires' if sorted(alerts['kind'].unique()) == ['performance']"
    " else 'other alerts fire'",
    "would have fired on day 19, three days later": f"(lambda cumulative, first: f'would have fired on day {{cumulative}}, ' + {_WORDS}[cumulative - first]"
    f" + ' days later')({_FIRST_CUMULATIVE}, {_FIRST_ALERT})",
    "the daily accuracy fell from about 0.85 to about 0.63, but the cumulative\n  accuracy still read 0.743 on day 29;"
    " the 7-day window read 0.633": "(lambda before, after, day: f'the daily accuracy fell from about {before:.2f} to about {after:.2f}, but the"
    " cumulative\\n  accuracy still read {day.cumulative_accuracy:.3f} on day {day.name}; the 7-day window read"
    f" {{day.window_accuracy:.3f}}')({_DAY}.loc[:14, 'accuracy'].mean(), {_DAY}.loc[15:, 'accuracy'].mean(),"
    f" {_DAY}.iloc[-1])",
    "A window-accuracy alert fired on day 16; a cumulative one would have waited until day 19": f"(lambda first, cumulative: f'A window-accuracy alert fired on day {{first}}; a cumulative one would have waited"
    f" until day {{cumulative}}')({_FIRST_ALERT}, {_FIRST_CUMULATIVE})",
    "raised the mean daily accuracy of days 17-29 from 0.63 to 0.837": f"(lambda kept, new: f'raised the mean daily accuracy of days 17-29 from {{kept}} to {{new}}')"
    f"({_DAY}.loc[17:29, 'accuracy'].mean().round(3), {_RETRAINED}.loc[17:29, 'accuracy'].mean().round(3))",
}

NOT_COMPUTED: dict[str, str] = {
    "threshold (here 0.80)": "the alert threshold the lesson chooses (Monitor(threshold=0.80))",
}
