"""Numbers quoted in the prose of notebooks/07_pipeline.ipynb, recomputed from the lesson's namespace.

Each scenario keeps its result in its own name (``worse``, ``on_batch``, ``on_golden``, ``retrained``,
``unvalidated``, ``defended``); the Test Model step's details hold the accuracies the prose quotes. The gates'
numbers are the defaults of ``Pipeline.run`` and ``decide``.
"""

_RUN = "__import__('inspect').signature(pipeline.run).parameters"
_DECIDE = "__import__('inspect').signature(decide).parameters"
# as the lesson shows them (decay.round(3): numpy rounds a tie such as 1649/2000 = 0.8245 to even, 0.824)
_KEEP = "decay.round(3)['retrained every 5 days']"
_SKIP = "decay.round(3)['retraining skipped']"
_D = "steps[2].details"

CLAIMS: dict[str, str] = {
    "on 70% of the batch;": f"'on {{:.0%}} of the batch;'.format(1 - {_RUN}['test_fraction'].default)",
    "testing\non 30% of the batch itself": f"'testing\\non {{:.0%}} of the batch itself'.format({_RUN}['test_fraction'].default)",
    "Test Model gate uses 30% of each period's own rows": (
        f"\"Test Model gate uses {{:.0%}} of each period's own rows\".format({_RUN}['test_fraction'].default)"
    ),
    "at least 0.75 *and* no\n  more than 0.01": (
        f"'at least {{:.2f}} *and* no\\n  more than {{:.2f}}'.format({_RUN}['min_accuracy'].default,"
        f" {_RUN}['tolerance'].default)"
    ),
    "scikit-learn's default 1.0": (
        "\"scikit-learn's default {}\".format(__import__('sklearn.linear_model', fromlist=['_']).LogisticRegression().C)"
    ),
    "The candidate even clears the fixed 0.75 minimum, but on the golden holdout it is\nworse than the champion": (
        f"'The candidate even {{}} the fixed {{:.2f}} minimum, but on the golden holdout it is\\n{{}} than the champion'"
        f".format('clears' if worse.{_D}['candidate_accuracy'] >= {_RUN}['min_accuracy'].default else 'misses',"
        f" {_RUN}['min_accuracy'].default, 'worse' if worse.deployed_version is None else 'no worse')"
    ),
    "is robbed of it too (0.767), and the candidate (0.775) looks no\nworse": (
        f"'is robbed of it too ({{:.3f}}), and the candidate ({{:.3f}}) looks no\\nworse'.format("
        f"on_batch.{_D}['champion_accuracy'], on_batch.{_D}['candidate_accuracy'])"
    ),
    "there the candidate scores 0.773 against the champion's\n0.860 and is refused": (
        f'"there the candidate scores {{:.3f}} against the champion\'s\\n{{:.3f}} and is {{}}".format('
        f"on_golden.{_D}['candidate_accuracy'], on_golden.{_D}['champion_accuracy'],"
        " 'refused' if on_golden.deployed_version is None else 'deployed')"
    ),
    "On it the champion\ngets only 0.649 right; a candidate trained on the new batch gets 0.811, passes both gates and is deployed": (
        f"'On it the champion\\ngets only {{:.3f}} right; a candidate trained on the new batch gets {{:.3f}}, passes both"
        f" gates and is {{}}'.format(retrained.{_D}['champion_accuracy'], retrained.{_D}['candidate_accuracy'],"
        " 'deployed' if retrained.deployed_version is not None else 'not deployed')"
    ),
    "labelled data is below 0.80": f"'labelled data is below {{:.2f}}'.format({_DECIDE}['min_accuracy'].default)",
    "yet the champion scores 0.854 on them": (
        "'yet the champion scores {:.3f} on them'.format(decisions.loc['inputs shifted', 'champion accuracy'])"
    ),
    "the champion is right on only 0.606 of it": (
        "'the champion is right on only {:.3f} of it'.format(decisions.loc['concept drift', 'champion accuracy'])"
    ),
    "Both arms start at 0.847": (
        f"'Both arms start at {{:.3f}}'.format({_KEEP}[0]) if {_KEEP}[0] == {_SKIP}[0] else 'they differ'"
    ),
    "the champion falls to 0.638 and stays there": (
        f"'the champion falls to {{:.3f}} and {{}}'.format({_SKIP}.iloc[-2],"
        f" 'stays there' if {_SKIP}.iloc[-2] == {_SKIP}.iloc[-1] else 'moves on')"
    ),
    "(0.745 on days 15-19) and recovers to 0.824": (
        f"'({{:.3f}} on days 15-19) and recovers to {{:.3f}}'.format({_KEEP}[15], {_KEEP}.iloc[-1])"
    ),
    "the candidate (0.828) beats the champion (0.635)": (
        f"'the candidate ({{:.3f}}) {{}} the champion ({{:.3f}})'.format(unvalidated.{_D}['candidate_accuracy'],"
        f" 'beats' if unvalidated.{_D}['candidate_accuracy'] > unvalidated.{_D}['champion_accuracy'] else 'trails',"
        f" unvalidated.{_D}['champion_accuracy'])"
    ),
    "income in dollars: accuracy 0.698 instead of 0.850 on correct data": (
        "'income in dollars: accuracy {:.3f} instead of {:.3f} on correct data'.format(deployed_accuracy, first_accuracy)"
    ),
    "0.638 instead of 0.824 after the drift": f"'{{:.3f}} instead of {{:.3f}} after the drift'.format({_SKIP}.iloc[-1], {_KEEP}.iloc[-1])",
    "a worse candidate (0.804 against the champion's 0.860 on the golden\n  holdout)": (
        f'"a worse candidate ({{:.3f}} against the champion\'s {{:.3f}} on the golden\\n  holdout)".format('
        f"worse.{_D}['candidate_accuracy'], worse.{_D}['champion_accuracy'])"
    ),
    "deployed a model scoring 0.811 where the\n  champion scored 0.649": (
        f"'deployed a model scoring {{:.3f}} where the\\n  champion scored {{:.3f}}'.format("
        f"retrained.{_D}['candidate_accuracy'], retrained.{_D}['champion_accuracy'])"
    ),
    "it was refused (0.773 against 0.860)": (
        f"'it was {{}} ({{:.3f}} against {{:.3f}})'.format('refused' if on_golden.deployed_version is None else 'promoted',"
        f" on_golden.{_D}['candidate_accuracy'], on_golden.{_D}['champion_accuracy'])"
    ),
    "(0.854 on shifted inputs)": "'({:.3f} on shifted inputs)'.format(decisions.loc['inputs shifted', 'champion accuracy'])",
    "(0.606, no drift found)": (
        "'({:.3f}, {} drift found)'.format(decisions.loc['concept drift', 'champion accuracy'],"
        " 'no' if not decisions.loc['concept drift', 'dataset drift'] else 'but')"
    ),
    "Skipping retraining left the model at 0.638 after the drift; retraining every 5 days brought it back to 0.824": (
        f"'Skipping retraining left the model at {{:.3f}} after the drift; retraining every 5 days brought it back to"
        f" {{:.3f}}'.format({_SKIP}.iloc[-1], {_KEEP}.iloc[-1])"
    ),
    "deployed a model scoring 0.698 on correct data": "'deployed a model scoring {:.3f} on correct data'.format(deployed_accuracy)",
}
