"""Numbers quoted in the prose of notebooks/12_promotion_gate.ipynb, recomputed from the lesson's namespace."""

CLAIMS: dict[str, str] = {
    "That is 0.684 without looking": "f\"That is {1 - holdout['default'].mean():.3f} without looking\"",
    (
        "Its accuracy falls by only 0.003, within the tolerance of 0.0099, but its recall "
        "falls from 0.7294 to 0.6108:\nit misses 11.9 points more"
    ): (
        "(lambda g: f\"Its accuracy falls by only {-g.loc['accuracy', 'difference']:.3f},"
        " within the tolerance of {g.loc['accuracy', 'tolerance']:.4f}, but its recall "
        "falls from {g.loc['recall', 'champion']:.4f} to {g.loc['recall', 'candidate']:.4f}:\\nit "
        "misses {-100 * g.loc['recall', 'difference']:.1f} points more\")(mt.promotion_gate("
        "champion, timid, holdout))"
    ),
    "on 41.5% of the holdouts": "f\"on {rejected['no drop allowed']:.1%} of the holdouts\"",
    "(median 0.0093 here) rejects it on 5.0%": (
        "f\"(median {null['tolerance'].median():.4f} here) rejects it on {rejected['z x standard error']:.1%}\""
    ),
    (
        "On 4000 rows the noise allows a drop of only 0.0033,\nso a fixed 0.01 would wave "
        "through a real drop three times"
    ): (
        "f\"On {n_rows} rows the noise allows a drop of only {sizes['tolerance'].median("
        "):.4f},\\nso a fixed 0.01 would wave through a real drop {'three' if round(0.01 "
        "/ sizes['tolerance'].median()) == 3 else 'NOT three'} times\""
    ),
    "on 250 rows the noise is 0.0114,\nwider than the guess": (
        "(lambda s: f\"on 250 rows the noise is {s['tolerance'].median():.4f},\\n{'wider' "
        "if s['tolerance'].median() > 0.01 else 'NARROWER'} than the guess\")(mt.null_gate_differences("
        "champion, other, n_holdouts=40, n_rows=250, seed=9))"
    ),
    "Each fourfold increase of the holdout about halves the tolerance": (
        "(lambda t: f\"Each fourfold increase of the holdout {'about halves' if all(1.6 < a "
        "/ b < 2.4 for a, b in zip(t, t[1:])) else 'DOES NOT halve'} the tolerance\")("
        "[mt.null_gate_differences(champion, other, n_holdouts=40, n_rows=n, seed=9)['tolerance'].median("
        ") for n in (250, 1000, 4000)])"
    ),
    "is already 0.684 accurate": "f\"is already {1 - holdout['default'].mean():.3f} accurate\"",
    "lost\n  11.9 points of recall lost only 0.003 of accuracy": (
        "(lambda g: f\"lost\\n  {-100 * g.loc['recall', 'difference']:.1f} points of "
        "recall lost only {-g.loc['accuracy', 'difference']:.3f} of accuracy\")(mt.promotion_gate("
        "champion, timid, holdout))"
    ),
    "on 5.0% of holdouts, against 41.5%": (
        "f\"on {rejected['z x standard error']:.1%} of holdouts, against {rejected['no drop allowed']:.1%}\""
    ),
    "it is not done, 0.5 if it is run by hand": (
        "f\"it is not done, {__import__('mlcicd.test_score', fromlist=['POINTS']).POINTS['manual']:g} if it is run "
        'by hand"'
    ),
    "the pipeline scores 1.5: model development and monitoring are the weakest sections": (
        "(lambda s: f\"the pipeline scores {s.final:g}: {'model development and monitoring' if s.weakest == "
        "('model', 'monitor') else 'OTHER SECTIONS'} are the weakest sections\")(__import__('mlcicd.test_score', "
        "fromlist=['course_score']).course_score())"
    ),
}

NOT_COMPUTED: dict[str, str] = {
    "only 20% of loans defaulted": "the default rate the lesson plants with prior_drift",
    "(z = 1.645: an equally good candidate is rejected about 5% of the time)": "the one-sided 95% normal quantile and its error rate",
    "A guessed 0.01": "the guessed tolerance the lesson argues against",
    "than the 5% we chose": "the error rate the lesson chooses",
    "guessed\ntolerance of 0.01": "the guessed tolerance of lesson 2's gate, which this lesson replaces",
}
