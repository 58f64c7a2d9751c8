"""Numbers quoted in the prose of notebooks/11_testing_the_model.ipynb, recomputed from the lesson's namespace."""

CLAIMS: dict[str, str] = {
    "About a third of the\nlabels are positive": (
        "f\"About {'a third' if 0.3 < train['default'].mean() < 0.37 else 'NOT a third'} of the\\nlabels are positive\""
    ),
    "as 1150 minus the score": (
        "f\"as {int(mt.reverse_credit_score(holdout.head(1))['credit_score'].iloc[0] + "
        "holdout['credit_score'].iloc[0])} minus the score\""
    ),
    "accuracy 0.847 and recall 0.7294 for both": (
        "f\"accuracy {gate.loc['accuracy', 'champion']:.3f} and recall {gate.loc['recall',"
        " 'champion']:.4f} {'for both' if (gate['champion'] == gate['candidate']).all()"
        " else 'NOT for both'}\""
    ),
    "The champion has no violation; the candidate has 1987 of 1987 (the 13 applicants": (
        "(lambda a, b: f\"The champion has {'no' if a.violations == 0 else a.violations} "
        "violation; the candidate has {b.violations} of {b.n} (the {len(holdout) - b.n} "
        'applicants")(mt.directional_check(champion, holdout), mt.directional_check(candidate,'
        " holdout))"
    ),
    "(row 9, whose own score is\n653)": "f\"(row 9, whose own score is\\n{holdout['credit_score'].iloc[9]})\"",
    "50 obvious approvals and 50 obvious refusals": (
        "f\"{(cases['default'] == 0).sum()} obvious approvals and {(cases['default'] == 1).sum()} obvious refusals\""
    ),
    ("The champion gets all 100 right. The candidate gets 51 wrong: it refuses all 50 obvious approvals"): (
        "(lambda p: f\"The champion gets {'all ' + str(len(cases)) if mt.minimum_functionality_check("
        "champion, cases).violations == 0 else 'NOT all'} right. The candidate gets {(p "
        "!= cases['default']).sum()} wrong: it refuses {'all ' if ((p == 1) & (cases['default'] "
        "== 0)).sum() == (cases['default'] == 0).sum() else ''}{((p == 1) & (cases['default'] "
        '== 0)).sum()} obvious approvals")(candidate.predict(cases))'
    ),
    "and approves 1 obvious refusal": (
        "f\"and approves {((candidate.predict(cases) == 0) & (cases['default'] == 1)).sum()} obvious refusal\""
    ),
    "(0 and 2 flipped decisions of 2000)": (
        'f"({mt.invariance_check(champion, holdout, jittered).violations} and {mt.invariance_check('
        "candidate, holdout, jittered).violations} flipped decisions of {len(holdout)})"
        '"'
    ),
    "Both curves start at ln 2 = 0.693": (
        'f"Both curves start at ln 2 = {good.losses[0]:.3f}" if good.losses[0] == broken.losses[0] '
        "else 'different starts'"
    ),
    ("to 0.3568, far below the baseline of 0.6383; with shuffled labels it stops at 0.6386"): (
        "f'to {good.losses[-1]:.4f}, far below the baseline of {good.baseline:.4f}; with "
        "shuffled labels it stops at {broken.losses[-1]:.4f}'"
    ),
    ("Without the penalty all 20 rows are learnt; with the default penalty 2 of the 20 stay wrong."): (
        "(lambda off, on: f\"Without the penalty {'all ' + str(off.n) if off.violations "
        "== 0 else 'NOT all'} rows are learnt; with the default penalty {on.violations} "
        'of the {on.n} stay wrong.")(mt.overfit_tiny_batch(train, n=20, seed=0), mt.overfit_tiny_batch('
        "train, n=20, seed=0, C=1.0))"
    ),
    (
        "catches 91.5% of the defaults among scores below 620 but only 55.6% from 740 up. "
        "That top band has\nonly 27 defaults"
    ): (
        "(lambda r: f\"catches {r['recall'].iloc[0]:.1%} of the defaults among scores "
        "below 620 but only {r['recall'].iloc[-1]:.1%} from 740 up. That top band has\\nonly "
        "{r['positives'].iloc[-1]} defaults\")(mt.slice_report(champion, holdout, 'credit_score',"
        " bins=mt.CREDIT_BANDS))"
    ),
    "exactly the champion's numbers (0.847)": (
        "f\"exactly the champion's numbers ({gate.loc['accuracy', 'candidate']:.3f})"
        "\" if gate.loc['accuracy', 'difference'] == 0 else 'not exact'"
    ),
    "found 100% of rows riskier": "f'found {mt.directional_check(candidate, holdout).share:.0%} of rows riskier'",
    "found 51 of 100 clear-cut cases wrong": (
        "(lambda c: f'found {c.violations} of {c.n} clear-cut cases wrong')(mt.minimum_functionality_check("
        "candidate, cases))"
    ),
    "(0.6386 against 0.6383)": "f'({broken.losses[-1]:.4f} against {broken.baseline:.4f})'",
    "recall was 0.556 in the top credit band, from only 27 defaults": (
        "(lambda r: f\"recall was {r['recall'].iloc[-1]:.3f} in the top credit band, from "
        "only {r['positives'].iloc[-1]} defaults\")(mt.slice_report(champion, holdout,"
        " 'credit_score', bins=mt.CREDIT_BANDS))"
    ),
}

NOT_COMPUTED: dict[str, str] = {
    "tolerance of 0.01, and above a trivial baseline": "the guessed tolerance the lesson argues against",
    "is below 5% or above 95%": "the cut-offs that define clear-cut cases",
    "We allow at most 1% of decisions to flip": "the invariance tolerance the lesson chooses",
    "every probability 0.5": "what a logistic model with all weights zero predicts, a definition",
}
