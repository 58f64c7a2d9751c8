"""Numbers quoted in the prose of notebooks/13_training_serving_skew.ipynb, recomputed from the lesson's namespace."""

CLAIMS: dict[str, str] = {
    "Customer 0 applied on day 466 and defaulted": (
        "(lambda c: f\"Customer {int(c['customer_id'])} applied on day {int(c['decision_day'])} and "
        "{'defaulted' if c['default'] == 1 else 'DID NOT default'}\")(events.applications.iloc[0])"
    ),
    "One missed payment of 12 before the decision, 8 of 11 after it": (
        "(lambda r, a: f\"{({1: 'One'}).get(int(r.loc[~a, 'missed'].sum()), str(r.loc[~a, 'missed'].sum()))} "
        "missed payment of {(~a).sum()} before the decision, {r.loc[a, 'missed'].sum()} of {a.sum()} after it\")"
        "(rows, after)"
    ),
    "missed 11.92 payments on average and the others 1.32": (
        "(lambda m: f'missed {m[1]:.2f} payments on average and the others {m[0]:.2f}')"
        "(leaky.groupby('default')['missed_payments'].mean())"
    ),
    "As of the decision the two groups missed 1.25 and 0.58 payments": (
        "(lambda m: f'As of the decision the two groups missed {m[1]:.2f} and {m[0]:.2f} payments')"
        "(point_in_time.groupby('default')['missed_payments'].mean())"
    ),
    "The naive count changes for all 10000 applications": (
        "(lambda n: f\"The naive count changes for {'all ' if n == len(events.applications) else 'NOT all: '}{n} "
        "applications\")(sk.future_rows_used(sk.naive_missed_payments, events.applications, events.payments))"
    ),
    "the point-in-time count for none": (
        "'the point-in-time count for ' + ('none' if sk.future_rows_used(sk.point_in_time_missed_payments, "
        "events.applications, events.payments) == 0 else 'SOME')"
    ),
    "the offline AUC is 0.982 and the serving AUC 0.610": (
        "(lambda r: f\"the offline AUC is {r['offline_auc']:.3f} and the serving AUC {r['serving_auc']:.3f}\")"
        "(table.loc['leaky feature, random split'])"
    ),
    "still scores 0.969 offline, against 0.588 in serving": (
        "(lambda r: f\"still scores {r['offline_auc']:.3f} offline, against {r['serving_auc']:.3f} in serving\")"
        "(table.loc['leaky feature, time split'])"
    ),
    "0.691 offline, 0.693 in serving": (
        "(lambda r: f\"{r['offline_auc']:.3f} offline, {r['serving_auc']:.3f} in serving\")"
        "(table.loc['point-in-time feature, time split'])"
    ),
    "predicts a default for 0.1% of\nthe applications, so its serving accuracy of 0.711 is about that of predicting "
    '"no default" for everyone (0.710)': (
        "f\"predicts a default for {leaky_model.predict(served[list(sk.MODEL_FEATURES)]).mean():.1%} of\\nthe "
        "applications, so its serving accuracy of {table.loc['leaky feature, time split', 'serving_accuracy']:.3f} "
        "is about that of predicting \\\"no default\\\" for everyone ({1 - served['default'].mean():.3f})\""
    ),
    "model's offline AUC (0.982 with the random split, 0.969 with the time split)": (
        "f\"model's offline AUC ({table.loc['leaky feature, random split', 'offline_auc']:.3f} with the random "
        "split, {table.loc['leaky feature, time split', 'offline_auc']:.3f} with the time split)\""
    ),
    "from 0.944 to 0.791": (
        "f\"from {table.loc['leaky feature, random split', 'offline_accuracy']:.3f} to "
        "{table.loc['leaky feature, time split', 'offline_accuracy']:.3f}\""
    ),
    "a mean of 4.32 missed payments against 0.77 in serving (PSI 1.704): skewed": (
        "(lambda c: f\"a mean of {c.training_mean:.2f} missed payments against {c.serving_mean:.2f} in serving "
        "(PSI {c.psi:.3f}): {'skewed' if c.skewed else 'NOT skewed'}\")(sk.skew_check(leaky, served))"
    ),
    "The point-in-time feature has 0.77 on both sides (PSI 0.000)": (
        "(lambda c: f\"The point-in-time feature has {c.training_mean:.2f} on both sides (PSI {c.psi:.3f})\" "
        "if f'{c.training_mean:.2f}' == f'{c.serving_mean:.2f}' and not c.skewed else 'different sides')"
        "(sk.skew_check(point_in_time, served))"
    ),
    "defaulted customers had 11.92\n  missed payments by that count, but 1.25 as of the decision": (
        "f\"defaulted customers had {leaky.groupby('default')['missed_payments'].mean()[1]:.2f}\\n  missed "
        "payments by that count, but {point_in_time.groupby('default')['missed_payments'].mean()[1]:.2f} as of "
        'the decision"'
    ),
    "an AUC of 0.982 offline with a random split and 0.610 in serving": (
        "(lambda r: f\"an AUC of {r['offline_auc']:.3f} offline with a random split and {r['serving_auc']:.3f} "
        "in serving\")(table.loc['leaky feature, random split'])"
    ),
    "still scored 0.969 offline and 0.588 in serving": (
        "(lambda r: f\"still scored {r['offline_auc']:.3f} offline and {r['serving_auc']:.3f} in serving\")"
        "(table.loc['leaky feature, time split'])"
    ),
    "0.691 offline and 0.693 in serving": (
        "(lambda r: f\"{r['offline_auc']:.3f} offline and {r['serving_auc']:.3f} in serving\")"
        "(table.loc['point-in-time feature, time split'])"
    ),
    "moved for all\n  10000 applications": (
        "(lambda n: f\"moved for {'all' if n == len(events.applications) else 'NOT all'}\\n  {n} "
        "applications\")(sk.future_rows_used(sk.naive_missed_payments, events.applications, events.payments))"
    ),
    "(PSI 1.704 for the\n  naive count, 0.000 as of the decision)": (
        "f'(PSI {sk.skew_check(leaky, served).psi:.3f} for the\\n  naive count, "
        "{sk.skew_check(point_in_time, served).psi:.3f} as of the decision)'"
    ),
}

NOT_COMPUTED: dict[str, str] = {
    "flags\nskew above 0.25": "the conventional PSI line for a significant shift (lesson 4), chosen as the threshold",
}
