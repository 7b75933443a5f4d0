"""Reproducible synthetic student submissions for every assignment (demo and batch-grading tests).

Run: `.venv/bin/python examples/make_submissions.py [--out DIR] [NAME ...]` (default: every
assignment of grading.yml into examples/submissions). It writes `DIR/NAME/<student_id>.ipynb`,
one file per student of `plan(NAME)`, and `DIR/NAME/roster.csv`, the demo's class list
(`roster_text`), and removes other notebooks in `DIR/NAME/`. Runs in seconds,
needs neither otter nor a kernel. The expected scores (`expected.json`) are derived separately by
`examples/expected_scores.py`, which grades each student's `Student.graded_as`.

Sources: the student variant `assignments/NAME/NAME.ipynb` gives the cell structure, metadata and
grader cells; its answer cells (tag `otter_answer_cell`) are filled, in order, from the solution
cells (tag `otter_assign_solution_cell`) of `dist/NAME/solution/NAME.ipynb` without otter's
solution markers. Known mistakes are the mutants of `tests/mutants/m_NAME.py`, each a complete
wrong `def` that replaces the function's definition in its answer cell (its docstring is kept).

Output is deterministic: no outputs or execution counts, cell ids derived from cell content
(`autograder.authoring.notebooks.content_cell_ids`), nbformat's sorted-key JSON.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make the checkout's packages importable
    sys.path.insert(0, str(ROOT))

from autograder.authoring.notebooks import CHECK_CALL, content_cell_ids  # noqa: E402
from autograder.config import load_config  # noqa: E402
from autograder.paths import ProjectPaths, project_paths  # noqa: E402
from tests.mutants.catalogue import Mutant, load_catalogue  # noqa: E402

DEFAULT_OUT = ROOT / "examples" / "submissions"

ANSWER_TAG = "otter_answer_cell"
SOLUTION_TAG = "otter_assign_solution_cell"
_MARKER_LINE = re.compile(r"^\s*# (BEGIN|END) SOLUTION( NO PROMPT)?\s*$")
_MARKER_SUFFIX = re.compile(r"\s*# SOLUTION( NO PROMPT)?\s*$")

# Cells of the hostile students (placed after roughly half of the questions).
CRASH_CELL = "# trying out indexing\nscratch_values = [1, 2, 3]\nprint(scratch_values[3])"
LOOP_CELL = "# wait until it converges\nwhile True:\n    pass"
HOG_CELL = "hog = []\nwhile True:\n    hog.append(np.ones(10**7))"
EXIT_CELL = "import os\n\nos._exit(0)"
# 100 000 lines of 100 characters: 10 MB of output.
PRINT_CELL = (
    "# debugging output I forgot to remove\n"
    "for step in range(100_000):\n"
    '    print(f"step {step:6d} " + "-" * 88)'
)
# Harmless exploration: scratch_* names only (tests read the notebook's globals by name), no
# random draws (the notebooks' generators must stay where the solution leaves them).
EXTRA_CELLS = (
    ("markdown", "## My notes\nTrying a few things before the questions."),
    (
        "code",
        "import matplotlib.pyplot as plt\nimport numpy as np\n\n"
        "scratch_z = np.linspace(-5, 5, 11)\nprint(scratch_z)\nprint(np.exp(scratch_z).round(2))",
    ),
    (
        "code",
        "scratch_fig, scratch_ax = plt.subplots(figsize=(4, 3))\n"
        'scratch_ax.plot(scratch_z, np.tanh(scratch_z), label="tanh")\n'
        'scratch_ax.plot(scratch_z, np.maximum(scratch_z, 0), label="relu")\n'
        "scratch_ax.legend()\nplt.show()",
    ),
    ("markdown", "Halfway there. Checking shapes:"),
    ("code", 'scratch_grid = np.arange(12).reshape(3, 4)\nprint("shape", scratch_grid.shape)'),
)


@dataclass(frozen=True)
class Mistake:
    """A student who makes the mistakes of some catalogue mutants (ids `function:name`)."""

    student_id: str
    mutant_ids: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class Plan:
    """Per assignment: the mistake students, and the function the renaming student misnames."""

    mistakes: tuple[Mistake, ...]
    renamed: tuple[str, str]  # (function, the name the student gives it)


PLANS: dict[str, Plan] = {
    "00_introduction": Plan(
        (
            Mistake(
                "dave_sigmoid_overflow",
                ("sigmoid:unstable_exp_ratio",),
                "sigmoid as exp(z) / (1 + exp(z)): NaN for large z",
            ),
            Mistake(
                "erin_relu_derivative_at_zero",
                ("relu_derivative:one_at_zero",),
                "relu_derivative(0) = 1 (z >= 0) instead of PyTorch's 0",
            ),
            Mistake(
                "frank_missing_factor_2",
                ("graph_backward:missing_factor_2",),
                "graph_backward drops the factor 2 of the squared error",
            ),
            Mistake(
                "gina_bias_mistakes",
                ("neuron_forward:no_bias", "layer_forward:bias_per_row"),
                "neuron_forward forgets the bias; layer_forward adds it per row",
            ),
            Mistake(
                "hank_derivative_of_input",
                ("sigmoid_derivative:formula_on_input",),
                "sigmoid_derivative applies s * (1 - s) to z instead of sigmoid(z)",
            ),
            Mistake(
                "ivy_error_sign",
                ("graph_forward:error_sign",),
                "graph_forward computes the error with the wrong sign",
            ),
            Mistake(
                "jack_last_example_only",
                ("layer_forward_loop:last_example_only",),
                "layer_forward_loop keeps only the last example's output",
            ),
        ),
        ("sigmoid", "sigmoid_function"),
    ),
    "01_nn_from_scratch": Plan(
        (
            Mistake(
                "dave_dw_transposed",
                ("dense_backward:dW_transposed",),
                "dense_backward returns dW transposed: (M, D) instead of (D, M)",
            ),
            Mistake(
                "erin_forgot_batch_mean",
                ("cross_entropy_loss:dZ_not_divided_by_N",),
                "cross_entropy_loss: dZ not divided by the batch size N",
            ),
            Mistake(
                "frank_sgd_sign",
                ("sgd_step:plus_instead_of_minus",),
                "sgd_step adds lr * grad (gradient ascent)",
            ),
            Mistake(
                "gina_softmax_overflow",
                ("softmax:no_max_subtraction",),
                "softmax without subtracting the row max: NaN for large logits",
            ),
            Mistake(
                "hank_relu_at_zero",
                ("relu_backward:ge_zero",),
                "relu_backward passes the gradient where Z == 0 (Z >= 0)",
            ),
            Mistake(
                "ivy_two_mistakes",
                ("tanh_backward:derivative_of_A", "numerical_gradient:forward_difference"),
                "tanh_backward differentiates tanh(A); numerical_gradient is one-sided",
            ),
            Mistake(
                "jack_init_fan_out",
                ("init_two_layer:fan_out",),
                "init_two_layer scales by fan_out instead of fan_in",
            ),
        ),
        ("dense_forward", "dense_fwd"),
    ),
    "02_nn_pytorch": Plan(
        (
            Mistake(
                "dave_softmax_before_loss",
                ("loss_and_grads:softmax_before_loss",),
                "loss_and_grads applies softmax before cross_entropy (softmax twice)",
            ),
            Mistake(
                "erin_missing_transpose",
                ("load_numpy_weights:missing_transpose",),
                "load_numpy_weights copies W1 without .T into nn.Linear.weight",
            ),
            Mistake(
                "frank_no_zero_grad",
                ("loss_and_grads:no_zero_grad",),
                "loss_and_grads never zeroes the gradients: they accumulate",
            ),
            Mistake(
                "gina_step_no_zero_grad",
                ("train_step:no_zero_grad",),
                "train_step forgets optimizer.zero_grad()",
            ),
            Mistake(
                "hank_drops_last_batch",
                ("make_loader:drops_last_batch",),
                "make_loader drops the last, smaller batch",
            ),
            Mistake(
                "ivy_two_mistakes",
                ("train_epoch:last_batch_loss", "evaluate:percentage"),
                "train_epoch returns the last batch's loss; evaluate returns a percentage",
            ),
            Mistake(
                "jack_unweighted_mean",
                ("train_epoch:unweighted_mean",),
                "train_epoch averages batch losses without weighting by batch size",
            ),
        ),
        ("train_step", "train_one_step"),
    ),
    "03_experiments_and_visualizations": Plan(
        (
            Mistake(
                "dave_params_not_reinitialised",
                ("learning_rate_sweep:params_not_reinitialised",),
                "learning_rate_sweep continues from the previous run's weights",
            ),
            Mistake(
                "erin_nan_is_best",
                ("best_learning_rate:argmin_keeps_nan",),
                "best_learning_rate uses argmin, which picks a diverged (NaN) run",
            ),
            Mistake(
                "frank_he_fan_out",
                ("init_weights:he_fan_out",),
                "init_weights: He scaled by fan_out instead of fan_in",
            ),
            Mistake(
                "gina_pre_activation_std",
                ("activation_stats:pre_activation_std",),
                "activation_stats measures the std before the activation",
            ),
            Mistake(
                "hank_two_mistakes",
                ("generalization_gap:sign_flipped", "early_stopping:zero_based_epochs"),
                "generalization_gap has the wrong sign; early_stopping is off by one",
            ),
            Mistake(
                "ivy_confusion_transposed",
                ("confusion_matrix:transposed",),
                "confusion_matrix swaps rows (true) and columns (predicted)",
            ),
            Mistake(
                "jack_column_sums",
                ("per_class_accuracy:column_sums",),
                "per_class_accuracy divides by column sums (precision, not recall)",
            ),
        ),
        ("confusion_matrix", "confusion"),
    ),
    "04_optimizers": Plan(
        (
            Mistake(
                "dave_momentum_not_kept",
                ("sgd_momentum_step:buffer_not_kept",),
                "sgd_momentum_step starts a new buffer at every call (no momentum)",
            ),
            Mistake(
                "erin_eps_inside_sqrt",
                ("rmsprop_step:eps_inside_sqrt",),
                "rmsprop_step puts eps inside the square root",
            ),
            Mistake(
                "frank_no_bias_correction",
                ("adam_step:no_bias_correction",),
                "adam_step without bias correction",
            ),
            Mistake(
                "gina_adam_counter_late",
                ("adam_step:counter_incremented_after_use",),
                "adam_step increments the step counter after using it",
            ),
            Mistake(
                "hank_rosenbrock_sign",
                ("rosenbrock:dx_first_term_sign",),
                "rosenbrock's dx has a sign error in its first term",
            ),
            Mistake(
                "ivy_two_mistakes",
                ("rmsprop_step:alpha_swapped", "run_optimizer:works_on_a_copy"),
                "rmsprop_step swaps alpha and 1 - alpha; run_optimizer works on a copy",
            ),
            Mistake(
                "jack_one_shared_buffer",
                ("sgd_momentum_step:one_buffer_for_all_parameters",),
                "sgd_momentum_step keeps one momentum buffer for all parameters",
            ),
        ),
        ("rosenbrock", "rosenbrock_function"),
    ),
    "05_regularization": Plan(
        (
            Mistake(
                "dave_biases_penalised",
                ("l2_penalty:biases_penalised",),
                "l2_penalty also penalises the biases",
            ),
            Mistake(
                "erin_l2_gradient_doubled",
                ("l2_gradient:factor_two_too_many",),
                "l2_gradient is 2 * wd * W instead of wd * W",
            ),
            Mistake(
                "frank_p_means_keep",
                ("dropout_forward:p_means_keep",),
                "dropout_forward treats p as the keep probability",
            ),
            Mistake(
                "gina_dropout_not_scaled",
                ("dropout_forward:not_scaled",),
                "dropout_forward forgets the 1 / (1 - p) scaling",
            ),
            Mistake(
                "hank_mask_ignored",
                ("dropout_backward:mask_ignored",),
                "dropout_backward ignores the mask",
            ),
            Mistake(
                "ivy_two_mistakes",
                ("dense_relu_dropout_backward:dW_transposed", "l2_penalty:half_missing"),
                "dense_relu_dropout_backward returns dW transposed; l2_penalty lacks the 1/2",
            ),
            Mistake(
                "jack_dropout_at_eval",
                ("dropout_forward:active_in_eval_mode",),
                "dropout_forward still drops units in eval mode",
            ),
        ),
        ("dropout_forward", "dropout_fwd"),
    ),
    "06_normalization_and_schedules": Plan(
        (
            Mistake(
                "dave_bn_unbiased_variance",
                ("batchnorm_forward:unbiased_variance",),
                "batchnorm_forward normalises with the unbiased variance (N - 1)",
            ),
            Mistake(
                "erin_dgamma_wrong_axis",
                ("batchnorm_backward:dgamma_over_features",),
                "batchnorm_backward sums dgamma over the features instead of the batch",
            ),
            Mistake(
                "frank_running_stats_not_in_place",
                ("update_running_stats:names_rebound_not_in_place",),
                "update_running_stats rebinds its names: the caller's arrays never change",
            ),
            Mistake(
                "gina_eval_with_batch_stats",
                ("batchnorm_eval:batch_statistics",),
                "batchnorm_eval normalises with the batch's own statistics",
            ),
            Mistake(
                "hank_layernorm_over_batch",
                ("layernorm_forward:over_the_batch_axis",),
                "layernorm_forward normalises over the batch axis (batch norm)",
            ),
            Mistake(
                "ivy_two_mistakes",
                ("step_lr:decays_one_step_early", "batchnorm_forward:eps_missing"),
                "step_lr decays one step early; batchnorm_forward forgets eps",
            ),
            Mistake(
                "jack_warmup_off_by_one",
                ("warmup_cosine_lr:warmup_starts_at_zero",),
                "warmup_cosine_lr ramps lr0 * t / warmup (starts at 0)",
            ),
        ),
        ("step_lr", "step_lr_schedule"),
    ),
    "07_convolutions": Plan(
        (
            Mistake(
                "dave_kernel_flipped",
                ("conv2d_forward:kernel_flipped",),
                "conv2d_forward flips the kernel (true convolution, not cross-correlation)",
            ),
            Mistake(
                "erin_dw_channels_swapped",
                ("conv2d_backward:dW_channels_swapped",),
                "conv2d_backward returns dW as (C, F, KH, KW)",
            ),
            Mistake(
                "frank_padding_left_on_dx",
                ("conv2d_backward:padding_not_removed",),
                "conv2d_backward returns the padded dX",
            ),
            Mistake(
                "gina_pool_every_tie",
                ("maxpool2d_backward:every_tie",),
                "maxpool2d_backward sends the gradient to every tied maximum",
            ),
            Mistake(
                "hank_stride_ignored_backward",
                ("conv2d_backward:stride_ignored",),
                "conv2d_backward reads window (i, j) at (i, j) instead of (i*stride, j*stride)",
            ),
            Mistake(
                "ivy_two_mistakes",
                ("im2col:channels_last", "numerical_gradient:forward_difference"),
                "im2col flattens each window channel last; numerical_gradient is one-sided",
            ),
            Mistake(
                "jack_db_batch_only",
                ("conv2d_backward:db_batch_only",),
                "conv2d_backward sums db over the batch only, not over the spatial axes",
            ),
        ),
        ("conv2d_forward", "conv2d_fwd"),
    ),
}


BEHAVIOUR_STUDENTS = (
    "liam_crash",
    "mona_infinite_loop",
    "nick_memory_hog",
    "olga_os_exit",
    "pete_invalid_json",
    "quinn_empty",
    "sam_extra_cells",
    "tina_prints_a_lot",
)
"""The students every assignment has whose behaviour does not depend on the assignment (a crash,
a loop, a memory hog, os._exit, broken files, extra cells, a lot of output): the suite grades
them for one assignment; `autograder demo` for all."""


@dataclass(frozen=True)
class Student:
    """One synthetic submission.

    content: the file as handed in (bytes of a notebook, or not even JSON).
    status: the status a grader should report (see autograder.grading.records.STATUSES).
    graded_as: the well-behaved notebook whose plain `otter run` score is this student's expected
    score (None: invalid, every question scores 0).
    """

    student_id: str
    status: str
    why: str
    content: bytes
    graded_as: bytes | None


@dataclass(frozen=True)
class Sources:
    """One assignment's notebooks, indexed for building submissions.

    blank: the student variant, outputs stripped.
    answers: index of each answer cell -> its solution text (solution markers removed).
    question_of: index of each auto-graded answer cell -> its question (the next grader.check).
    questions: auto-graded questions in notebook order.
    after: question -> index of the cell after its last grader.check cell.
    """

    name: str
    blank: nbformat.NotebookNode
    answers: dict[int, str]
    question_of: dict[int, str]
    questions: tuple[str, ...]
    after: dict[str, int]


def strip_solution_markers(source: str) -> str:
    """Remove otter's `# BEGIN/END SOLUTION` lines and `# SOLUTION` line endings."""
    lines = [line for line in source.split("\n") if not _MARKER_LINE.match(line)]
    return "\n".join(_MARKER_SUFFIX.sub("", line) for line in lines)


def _strip_outputs(notebook: nbformat.NotebookNode) -> None:
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def _defined_names(source: str) -> set[str]:
    """Top-level names a code cell binds: functions, classes and assignment targets."""
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def load_sources(name: str, paths: ProjectPaths) -> Sources:
    """Read the student and solution variants of `name` (a build's outputs in `paths`) and pair
    their answer cells in order."""
    solution_path = paths.solution_notebook(name)
    if not solution_path.exists():
        raise FileNotFoundError(f"{solution_path} is missing: run `autograder build {name}` first")
    blank = nbformat.read(paths.student_dir(name) / f"{name}.ipynb", as_version=4)
    _strip_outputs(blank)
    solution = nbformat.read(solution_path, as_version=4)
    answer_cells = [
        i for i, c in enumerate(blank.cells) if ANSWER_TAG in c.metadata.get("tags", [])
    ]
    solved = [c for c in solution.cells if SOLUTION_TAG in c.metadata.get("tags", [])]
    if len(answer_cells) != len(solved):
        raise ValueError(f"{name}: {len(answer_cells)} answer cells, {len(solved)} solution cells")
    answers = {}
    for index, cell in zip(answer_cells, solved, strict=True):
        mine = blank.cells[index]
        same = mine.cell_type == cell.cell_type and (
            mine.cell_type != "code" or _defined_names(mine.source) == _defined_names(cell.source)
        )
        if not same:
            raise ValueError(f"{name}: answer cell {index} does not match its solution cell")
        answers[index] = strip_solution_markers(cell.source)
    checks = [
        (i, m.group(1))
        for i, c in enumerate(blank.cells)
        if c.cell_type == "code" and (m := CHECK_CALL.search(c.source))
    ]
    question_of = {
        index: next(q for i, q in checks if i > index)
        for index in answer_cells
        if blank.cells[index].cell_type == "code"
    }
    questions = tuple(dict.fromkeys(q for _, q in checks))
    after = {q: i + 1 for i, q in checks}  # the last check cell of each question wins
    return Sources(name, blank, answers, question_of, questions, after)


def _top_level_def(source: str, function: str) -> ast.stmt | None:
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == function:
            return node
    return None


def _docstring_lines(node: ast.stmt, lines: list[str]) -> list[str]:
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        if isinstance(first.value.value, str):
            return lines[first.lineno - 1 : first.end_lineno]
    return []


def substitute(source: str, mutant: Mutant) -> str | None:
    """`source` with its top-level definition of `mutant.function` replaced by the mutant.

    The original docstring is kept when the mutant has none and its body has the same indent.
    Returns None when `source` does not define the function.
    """
    node = _top_level_def(source, mutant.function)
    if node is None:
        return None
    lines = source.split("\n")
    wrong = mutant.source.strip("\n").split("\n")
    wrong_node = _top_level_def(mutant.source.strip("\n"), mutant.function)
    docstring = _docstring_lines(node, lines)
    body = wrong_node.body[0]
    if (
        docstring
        and not _docstring_lines(wrong_node, wrong)
        and body.col_offset == node.body[0].col_offset
    ):
        wrong[body.lineno - 1 : body.lineno - 1] = docstring
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return "\n".join(lines[: start - 1] + wrong + lines[node.end_lineno :])


def rename(source: str, function: str, new_name: str) -> str | None:
    """`source` with the top-level `def function` (or class) renamed; None if not defined."""
    node = _top_level_def(source, function)
    if node is None:
        return None
    lines = source.split("\n")
    header = re.compile(rf"\b(def|class)\s+{re.escape(function)}\b")
    lines[node.lineno - 1] = header.sub(rf"\1 {new_name}", lines[node.lineno - 1], count=1)
    return "\n".join(lines)


def _edit_defining_cell(
    cells: list[nbformat.NotebookNode], edit: Callable[[str], str | None], what: str
) -> None:
    """Apply `edit` to the one answer cell it changes (edit returns None for other cells)."""
    for cell in cells:
        if cell.cell_type == "code" and ANSWER_TAG in cell.metadata.get("tags", []):
            edited = edit(cell.source)
            if edited is not None:
                cell.source = edited
                return
    raise ValueError(f"no answer cell defines {what}")


def filled_cells(
    src: Sources, blank_questions: frozenset[str] = frozenset()
) -> list[nbformat.NotebookNode]:
    """The student variant's cells with every answer filled in, except those of blank_questions.

    Written (markdown) answers stay blank when any question is left blank.
    """
    cells = copy.deepcopy(src.blank.cells)
    for index, answer in src.answers.items():
        question = src.question_of.get(index)
        if question in blank_questions or (question is None and blank_questions):
            continue
        cells[index].source = answer
    return cells


def _new_cell(kind: str, source: str) -> nbformat.NotebookNode:
    if kind == "markdown":
        return nbformat.v4.new_markdown_cell(source)
    return nbformat.v4.new_code_cell(source)


def _insert(cells: list, index: int, *new: tuple[str, str]) -> list:
    return cells[:index] + [_new_cell(kind, text) for kind, text in new] + cells[index:]


def notebook_bytes(src: Sources, cells: list) -> bytes:
    """The notebook file of `cells` under the student variant's metadata (deterministic)."""
    notebook = copy.deepcopy(src.blank)
    notebook.cells = copy.deepcopy(cells)
    for cell in notebook.cells:
        cell.pop("id", None)
    content_cell_ids(notebook)
    nbformat.validate(notebook)
    text = nbformat.writes(notebook)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def _half(src: Sources) -> tuple[str, int]:
    """The question after which hostile cells go (about half way) and the index after it."""
    question = src.questions[len(src.questions) // 2 - 1]
    return question, src.after[question]


def plan(name: str, paths: ProjectPaths | None = None) -> list[Student]:
    """Every synthetic student of assignment `name`, in a fixed order, from the build in `paths`
    (default: this checkout's assignments/ and dist/)."""
    src = load_sources(name, paths or project_paths(ROOT))
    spec = PLANS[name]
    mutants = {m.id: m for m in load_catalogue(name)}
    correct = filled_cells(src)
    correct_nb = notebook_bytes(src, correct)
    half, mid = _half(src)

    def graded(student_id: str, why: str, cells: list) -> Student:
        """A student graded as handed in (status graded)."""
        content = notebook_bytes(src, cells)
        return Student(student_id, "graded", why, content, content)

    def hostile(student_id: str, status: str, why: str, cell: str, graded_as: bytes) -> Student:
        """The correct notebook with `cell` inserted after the half-way question."""
        content = notebook_bytes(src, _insert(correct, mid, ("code", cell)))
        return Student(student_id, status, why, content, graded_as)

    students = [
        graded("alice_correct", "every answer is the reference solution", correct),
        graded(
            "bob_partial",
            f"left every other question blank: {', '.join(src.questions[1::2])}",
            filled_cells(src, frozenset(src.questions[1::2])),
        ),
        graded("carol_blank", "the untouched student notebook", src.blank.cells),
    ]
    for mistake in spec.mistakes:
        cells = copy.deepcopy(correct)
        for mutant_id in mistake.mutant_ids:
            mutant = mutants[mutant_id]
            _edit_defining_cell(cells, lambda s, m=mutant: substitute(s, m), mutant.function)
        why = f"{mistake.why} ({', '.join(mistake.mutant_ids)})"
        students.append(graded(mistake.student_id, why, cells))
    crash = notebook_bytes(src, _insert(correct, mid, ("code", CRASH_CELL)))
    text = correct_nb.decode("utf-8")
    function, new_name = spec.renamed
    renamed = copy.deepcopy(correct)
    _edit_defining_cell(renamed, lambda s: rename(s, function, new_name), function)
    imports = next(
        i for i, c in enumerate(correct) if c.cell_type == "code" and "grader" not in c.source
    )
    extra = _insert(correct, mid, *EXTRA_CELLS[3:])
    extra = _insert(extra, imports + 1, *EXTRA_CELLS[:3])
    students += [
        Student(
            "liam_crash",
            "graded",
            f"a cell after {half} raises IndexError; the later cells still run",
            crash,
            crash,
        ),
        hostile(
            "mona_infinite_loop",
            "timeout",
            f"`while True: pass` after {half}: no later cell runs, later questions score 0",
            LOOP_CELL,
            notebook_bytes(src, correct[:mid]),
        ),
        hostile(
            "nick_memory_hog",
            "memory",
            f"a cell after {half} allocates until MemoryError; the later cells still run",
            HOG_CELL,
            correct_nb,
        ),
        hostile(
            "olga_os_exit",
            "graded",
            f"`os._exit(0)` after {half} kills the kernel; graded without that cell",
            EXIT_CELL,
            correct_nb,
        ),
        Student(
            "pete_invalid_json",
            "invalid",
            "the notebook text is cut off half way: not valid JSON",
            text[: len(text) // 2].encode("utf-8"),
            None,
        ),
        Student("quinn_empty", "invalid", "an empty (0-byte) file", b"", None),
        graded(
            "rita_renamed_function",
            f"defines `{new_name}` instead of `{function}`: "
            "that question and the ones using it fail",
            renamed,
        ),
        graded(
            "sam_extra_cells",
            "extra markdown and code cells (notes, prints, a plot) between the answers",
            extra,
        ),
        graded(
            "tina_prints_a_lot",
            f"a cell after {half} prints 10 MB of debug lines",
            _insert(correct, mid, ("code", PRINT_CELL)),
        ),
    ]
    return students


ROSTER_FILE = "roster.csv"
NOT_ON_ROSTER = "sam_extra_cells"
"""The sample whose submission comes from someone not on the roster (unmatched.csv)."""
ROSTER_ONLY = ("zoe_no_submission", "Zoe Zimmermann")
"""The roster student who submitted nothing (a `missing` row)."""
SURNAMES = {
    "alice": "Archer", "bob": "Baker", "carol": "Chen", "dave": "Dubois", "erin": "Evans",
    "frank": "Fischer", "gina": "Garcia", "hank": "Hughes", "ivy": "Ito", "jack": "Jones",
    "liam": "Lee", "mona": "Moreau", "nick": "Nowak", "olga": "Orlova", "pete": "Park",
    "quinn": "Quist", "rita": "Rossi", "sam": "Singh", "tina": "Tanaka",
}  # fmt: skip


def roster_text(students: list[Student]) -> str:
    """The demo's class list (a plain roster: id, name, email, section): every sample student
    but `NOT_ON_ROSTER`, and `ROSTER_ONLY`; ids are the notebooks' stems."""
    people = [
        (s.student_id, f"{first.title()} {SURNAMES[first]}")
        for s in students
        if s.student_id != NOT_ON_ROSTER
        for first in [s.student_id.split("_")[0]]
    ]
    people.append(ROSTER_ONLY)
    lines = ["id,name,email,section"]
    for i, (student_id, full_name) in enumerate(people):
        email = full_name.lower().replace(" ", ".") + "@example.edu"
        lines.append(f"{student_id},{full_name},{email},{'Mon' if i % 2 else 'Tue'}")
    return "\n".join(lines) + "\n"


def write_submissions(
    name: str, out: Path = DEFAULT_OUT, paths: ProjectPaths | None = None
) -> list[Student]:
    """Write `out/name/<student_id>.ipynb` for every student of `plan(name, paths)` and the
    demo's `roster.csv`; return the plan. Other `.ipynb` files in `out/name` are removed
    (expected.json and README stay).
    """
    students = plan(name, paths)
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.ipynb"):
        stale.unlink()
    for student in students:
        (folder / f"{student.student_id}.ipynb").write_bytes(student.content)
    (folder / ROSTER_FILE).write_text(roster_text(students), encoding="utf-8")
    return students


def assignment_names(root: Path = ROOT) -> list[str]:
    """The assignments of grading.yml, in course order."""
    return list(load_config(root / "grading.yml").assignments)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("names", nargs="*", help="assignments (default: all of grading.yml)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    for name in args.names or assignment_names():
        students = write_submissions(name, args.out)
        print(f"{name}: {len(students)} submissions in {args.out / name}")


if __name__ == "__main__":
    main()
