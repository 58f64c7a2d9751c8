"""Numbers quoted in the prose of notebooks/00_start_here.ipynb, recomputed from the lesson's namespace."""

_WORDS = '["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]'
_SEED_QUIZ = 'len(__import__("mlcicd.quiz", fromlist=["make_quiz"]).make_quiz("all", source="seed").questions)'
_NUMERIC = 'len(__import__("mlcicd.data", fromlist=["NUMERIC_FEATURES"]).NUMERIC_FEATURES)'

CLAIMS: dict[str, str] = {
    "take a five-question warm-up quiz": f"f'take a {{{_WORDS}[{_SEED_QUIZ}]}}-question warm-up quiz'",
    "the five-question recap quiz": f"f'the {{{_WORDS}[{_SEED_QUIZ}]}}-question recap quiz'",
    "These are the five quiz questions of the recap": f"f'These are the {{{_WORDS}[{_SEED_QUIZ}]}} quiz questions of the recap'",
    "loan applications with six numeric features": f"f'loan applications with {{{_WORDS}[{_NUMERIC}]}} numeric features'",
}
