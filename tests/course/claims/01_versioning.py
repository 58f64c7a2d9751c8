"""Numbers quoted in the prose of notebooks/01_versioning.ipynb, recomputed from the lesson's namespace."""

_ACCURACIES = "(models.accuracy(model_v1, test), models.accuracy(model_v2, test))"

CLAIMS: dict[str, str] = {
    "the same 5,000 fresh applications": "f'the same {len(test):,} fresh applications'",
    "The accuracies differ by 0.0014": f"(lambda a: f'The accuracies differ by {{abs(a[0] - a[1]):.4f}}')({_ACCURACIES})",
    "For 49 applicants one model predicts a default": "f'For {different.sum()} applicants one model predicts a default'",
    "SHA-256 digest (64 hexadecimal\ncharacters)": "f\"SHA-256 digest ({len(fp_v1)} {'hexadecimal' if set(fp_v1) <= set('0123456789abcdef') else 'other'}\\ncharacters)\"",
    "Change one income in 3,500 rows by ten dollars": "f'Change one income in {len(snapshot_v1):,} rows by '"
    " + {10: 'ten'}.get(round(float((edited['income'] - snapshot_v1['income']).abs().sum()) * 1000), '?') + ' dollars'",
    "the whole story of the 49 applicants": "f'the whole story of the {different.sum()} applicants'",
    "An empty list: the second run is proven identical": "('An empty list' if not versioning.what_changed(run_v1, run_v1_again) else 'A non-empty list')"
    " + ': the second run is proven identical'",
    "Only `code` changed": "'Only ' + ', '.join(f'`{n}`' for n in sorted(versioning.what_changed(run_v1, run_refactor))) + ' changed'",
    "trained on 3,500 and on 7,000 rows of the same\n  stream gave two models that decide differently for 49 of 5,000"
    " applicants, with accuracies 0.8408 and 0.8394": f"(lambda a: f'trained on {{len(snapshot_v1):,}} and on {{len(snapshot_v2):,}} rows of the same\\n  stream gave two"
    f" models that decide differently for {{different.sum()}} of {{len(test):,}} applicants, with accuracies"
    f" {{a[0]:.4f}} and {{a[1]:.4f}}')({_ACCURACIES})",
    "one income changed by ten\n  dollars gives a new fingerprint": "'one income changed by ' + {10: 'ten'}.get(round(float((edited['income'] - snapshot_v1['income']).abs().sum())"
    " * 1000), '?') + '\\n  dollars gives ' + ('a new' if versioning.fingerprint(edited) != fp_v1 else 'the same')"
    " + ' fingerprint'",
    "`git diff` does for code: `['data', 'model']` here": "f'`git diff` does for code: `{sorted(versioning.what_changed(run_v1, run_v2))}` here'",
}
