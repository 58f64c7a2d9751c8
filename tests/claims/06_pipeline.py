"""Numbers quoted in the prose of notebooks/06_pipeline.ipynb, recomputed from the lesson's namespace.

The lesson removes its registry folder at the end, so scenario 2 (the worse model) is replayed against a fresh
registry holding the same first champion, and the model the unvalidated batch deployed is the one the replayed
Train Model step fits. The gates' numbers are the defaults of ``Pipeline.run`` and ``decide``.
"""

_RUN = "__import__('inspect').signature(pipeline.run).parameters"
_DECIDE = "__import__('inspect').signature(decide).parameters"
_REPLAY = (
    "(lambda folder, run: (run(folder.name), folder.cleanup())[0])(tempfile.TemporaryDirectory(), lambda path: (lambda reg:"
    " (reg.promote(reg.register(first_model, train_data=train, code_version='lesson06'), 'champion', reason='claims'),"
    " pipeline.run(batch, reg, model_factory=strong_regularisation, seed=0))[1])(ModelRegistry(path)))"
)
_WORSE = f"{_REPLAY}.steps[2].details"
_DRIFTED = "result.steps[2].details"
_DOLLARS_MODEL = "pipeline.run(in_dollars, None, skip=['Data Validation'], seed=0).steps[1].details['model']"
# as the lesson shows them (decay.round(3): numpy rounds a tie such as 1649/2000 = 0.8245 to even, 0.824)
_ARMS = "decay.round(3)['retrained every 5 days'], decay.round(3)['retraining skipped']"

CLAIMS: dict[str, str] = {
    "on 70% of the batch and holds out 30%":
        f"(lambda held_out: f'on {{1 - held_out:.0%}} of the batch and holds out {{held_out:.0%}}')"
        f"({_RUN}['test_fraction'].default)",
    "at least 0.75 *and* no more than 0.01":
        f"(lambda p: f'at least {{p[\"min_accuracy\"].default:.2f}} *and* no more than {{p[\"tolerance\"].default:.2f}}')({_RUN})",
    "scikit-learn's default 1.0": "f\"scikit-learn's default {__import__('sklearn.linear_model', fromlist=['_']).LogisticRegression().C}\"",
    "The candidate even clears the fixed 0.75 minimum, but it is worse than the champion":
        f"(lambda d, minimum: f'The candidate even {{\"clears\" if d[\"candidate_accuracy\"] >= minimum else \"misses\"}} the"
        " fixed {minimum:.2f} minimum, but it is '"
        " + ('worse' if d['candidate_accuracy'] < d['champion_accuracy'] - 0.01 else 'no worse') + ' than the champion')"
        f"({_WORSE}, {_RUN}['min_accuracy'].default)",
    "The champion gets only 0.613 of the held-out rows right; a candidate\ntrained on the new batch gets 0.802, passes"
    " both gates and is deployed":
        f"(lambda d: f'The champion gets only {{d[\"champion_accuracy\"]:.3f}} of the held-out rows right; a candidate\\n"
        "trained on the new batch gets {d[\"candidate_accuracy\"]:.3f}, passes both gates and is '"
        f" + ('deployed' if result.deployed_version is not None else 'not deployed'))({_DRIFTED})",
    "labelled data is below 0.80; otherwise NO_ACTION":
        f"(lambda p: f'labelled data is below {{p[\"min_accuracy\"].default:.2f}}; otherwise NO_ACTION')({_DECIDE})",
    "Both arms start at 0.847":
        f"(lambda a, b: f'Both arms start at {{a[0]:.3f}}' if round(a[0], 3) == round(b[0], 3) else 'they differ')({_ARMS})",
    "the champion falls to 0.638 and stays there":
        f"(lambda a, b: f'the champion falls to {{b.iloc[-2]:.3f}} and '"
        f" + ('stays there' if round(b.iloc[-2], 3) == round(b.iloc[-1], 3) else 'moves on'))({_ARMS})",
    "(0.745 on days 15-19) and recovers to 0.824":
        f"(lambda a, b: f'({{a[15]:.3f}} on days 15-19) and recovers to {{a.iloc[-1]:.3f}}')({_ARMS})",
    "income in dollars: accuracy 0.698 on correct data":
        f"(lambda model: f'income in dollars: accuracy {{models.accuracy(model, fresh):.3f}} on correct data')({_DOLLARS_MODEL})",
    "0.638 instead of 0.824 after the drift":
        f"(lambda a, b: f'{{b.iloc[-1]:.3f}} instead of {{a.iloc[-1]:.3f}} after the drift')({_ARMS})",
    "a worse candidate (0.792 against the champion's 0.845) was not\n  deployed":
        f"(lambda d, deployed: f\"a worse candidate ({{d['candidate_accuracy']:.3f}} against the champion's"
        " {d['champion_accuracy']:.3f}) was \" + ('not\\n  deployed' if deployed is None else 'deployed'))"
        f"({_WORSE}, {_REPLAY}.deployed_version)",
    "retrained and deployed a model scoring 0.802 where the champion scored 0.613":
        f"(lambda d: f'retrained and deployed a model scoring {{d[\"candidate_accuracy\"]:.3f}} where the champion scored"
        f" {{d[\"champion_accuracy\"]:.3f}}')({_DRIFTED})",
    "Skipping retraining left the model at 0.638 after the drift; retraining every 5 days brought it back to 0.824":
        f"(lambda a, b: f'Skipping retraining left the model at {{b.iloc[-1]:.3f}} after the drift; retraining every 5 days"
        f" brought it back to {{a.iloc[-1]:.3f}}')({_ARMS})",
    "deployed a model scoring 0.698 on correct data":
        f"(lambda model: f'deployed a model scoring {{models.accuracy(model, fresh):.3f}} on correct data')({_DOLLARS_MODEL})",
}
