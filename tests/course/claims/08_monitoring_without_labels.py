"""Numbers quoted in the prose of notebooks/08_monitoring_without_labels.ipynb, recomputed from the lesson's namespace."""

CLAIMS: dict[str, str] = {
    "The first alert comes on day 31 with same-day labels and on day 59 with a 28-day delay": "(lambda d: f'The first alert comes on day {d[0]} with same-day labels and on day {d[28]} with a 28-day delay')"
    "(alert_days.set_index('delay_days')['first_alert_day'])",
    "69.2% of the applications are approved": "f'{approved.mean():.1%} of the applications are approved'",
    "approved loans reads 0.870\nagainst 0.845 on all rows": "f\"approved loans reads {comparison.loc[25, 'approved only']:.3f}\\nagainst {comparison.loc[25, 'all rows']:.3f} on all rows\"",
    "the alert comes on day 33 instead of day 31": "f'the alert comes on day {labels.first_alert_day(approved_only)} instead of day {labels.first_alert_day(same_day)}'",
    "no alert at all before the stream ends on day 59": "('no alert at all' if labels.alert_day_by_delay(drifted, predictions, [28], labelled=approved)['first_alert_day'].isna().all() else 'an alert')"
    " + f\" before the stream ends on day {drifted['day'].max()}\"",
    "right on 0.907 of the\nloans and the estimate reads 0.914": "f\"right on {after.loc['accuracy', 'covariate shift']:.3f} of the\\nloans and the estimate reads {after.loc['estimated_accuracy', 'covariate shift']:.3f}\"",
    "real accuracy falls to 0.638 while the estimate stays at 0.851": "f\"real accuracy falls to {after.loc['accuracy', 'concept drift']:.3f} while the estimate stays at {after.loc['estimated_accuracy', 'concept drift']:.3f}\"",
    "day 31 with same-day labels,\n  day 59 with a 28-day delay": "(lambda d: f'day {d[0]} with same-day labels,\\n  day {d[28]} with a 28-day delay')(alert_days.set_index('delay_days')['first_alert_day'])",
    "approved loans (69.2% here)": "f'approved loans ({approved.mean():.1%} here)'",
    "accuracy read 0.870\n  instead of 0.845": "f\"accuracy read {comparison.loc[25, 'approved only']:.3f}\\n  instead of {comparison.loc[25, 'all rows']:.3f}\"",
    "and the alert came two days later": "'and the alert came ' + {1: 'one day', 2: 'two days', 3: 'three days'}.get("
    "labels.first_alert_day(approved_only) - labels.first_alert_day(same_day), '?') + ' later'",
    "(0.914 estimated, 0.907 real)": "f\"({after.loc['estimated_accuracy', 'covariate shift']:.3f} estimated, {after.loc['accuracy', 'covariate shift']:.3f} real)\"",
    "(0.851 estimated, 0.638 real)": "f\"({after.loc['estimated_accuracy', 'concept drift']:.3f} estimated, {after.loc['accuracy', 'concept drift']:.3f} real)\"",
}

NOT_COMPUTED: dict[str, str] = {
    "It alerts when that accuracy is below 0.80": "the alert threshold the lesson chooses",
    "ratios rise\nby 0.2": "the size of the covariate shift the lesson plants",
}
