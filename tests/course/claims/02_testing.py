"""Numbers quoted in the prose of notebooks/02_testing.ipynb, recomputed from the lesson's namespace.

The practice cell rebinds ``batch``, so the expressions rebuild the lesson's batch from ``stream``. Each expression
binds its values as lambda arguments, so that the f-string itself holds only names (Python 3.11 f-strings cannot
reuse their own quote character inside a replacement field).
"""

_BATCH = "stream[stream['day'] >= 5]"
_CLEAN = f"models.accuracy(champion, {_BATCH})"
_IN_DOLLARS = "models.accuracy(champion, in_dollars)"
_UNSEEN = f"data.inject_fault({_BATCH}, 'unseen_category', start_day=7, seed=1)"
_NULLS = f"data.inject_fault({_BATCH}, 'nulls', start_day=7, seed=1)"
_DAMAGED_ROWS = f"int(({_BATCH}['day'] >= 7).sum())"
_WORDS = "{2: 'two', 3: 'three', 5: 'five'}"
_RAISED = f"{_WORDS}[sum('raised' in row['champion scores it'] for row in rows)]"
_SILENT = f"{_WORDS}[sum(row['champion scores it'].startswith('no error') for row in rows)]"
_FLAGGED = f"('all ' + {_WORDS}[len(rows)] if all(row['validation errors'] for row in rows) else 'not all')"

CLAIMS: dict[str, str] = {
    "`nulls`: 10% of incomes are missing": f"(lambda share: f'`nulls`: {{share:.0%}} of incomes are missing')"
    f"({_NULLS}['income'].isna().sum() / {_DAMAGED_ROWS})",
    '`unseen_category`: 10% of regions are `"unknown"`': f"(lambda share: f'`unseen_category`: {{share:.0%}} of regions are `\"unknown\"`')"
    f"(({_UNSEEN}['region'] == 'unknown').sum() / {_DAMAGED_ROWS})",
    "Two faults are loud": f"{_RAISED}.capitalize() + ' faults are loud'",
    "The other three are **silent**": f"'The other ' + {_SILENT} + ' are **silent**'",
    "accuracy stays at 0.840 because only\n  152 rows are affected": '(lambda clean, unseen, rows: f\'accuracy {"stays at" if round(clean, 3) == round(unseen, 3) else "moves to"}'
    " {unseen:.3f} because only\\n  {rows} rows are affected')"
    f"({_CLEAN}, models.accuracy(champion, {_UNSEEN}), validation.validate({_UNSEEN}, validation.LOAN_SCHEMA)[0].count)",
    "accuracy falls from 0.840 to 0.738": f"(lambda clean, dollars: f'accuracy falls from {{clean:.3f}} to {{dollars:.3f}}')({_CLEAN}, {_IN_DOLLARS})",
    "Validation flags all five": f"'Validation flags ' + {_FLAGGED}",
    "All 1,500 incomes of days 7–9 exceed the schema's maximum": "(lambda errors, rows: f\"{'All' if [e.code for e in errors] == ['above_max'] and errors[0].count == rows"
    " else 'Not all'} {errors[0].count:,} incomes of days 7–9 exceed the schema's maximum\")"
    "(validation.validate(in_dollars, validation.LOAN_SCHEMA), int((in_dollars['day'] >= 7).sum()))",
    "5,000 labelled\napplications": "f'{len(holdout):,} labelled\\napplications'",
    "0.777 against the champion's 0.847": '(lambda buggy, champion: f"{buggy:.3f} against the champion\'s {champion:.3f}")'
    "(scores['candidate (buggy)'], scores['champion'])",
    "Of five planted faults, three passed through the model\n  without any error (incomes in dollars cut accuracy from"
    " 0.840 to 0.738); validation flagged all five": "(lambda n, silent, clean, dollars, flagged: f'Of {n} planted faults, {silent} passed through the model\\n"
    "  without any error (incomes in dollars cut accuracy from {clean:.3f} to {dollars:.3f}); validation flagged"
    f" {{flagged}}')({_WORDS}[len(rows)], {_SILENT}, {_CLEAN}, {_IN_DOLLARS}, {_FLAGGED})",
}
