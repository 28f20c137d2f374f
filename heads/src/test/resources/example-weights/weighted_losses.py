"""Example-weighted losses computed with PyTorch, the oracle of ExampleWeightedLossTest.

Reads the fixtures' reference logits and labels (testdata/fixtures/*/reference.json), weighs each example as a run
with synthetic examples does (real ones 1, synthetic ones W), and writes weighted_losses.json beside this script:
every loss as sum_i w_i * l_i / sum_i w_i (times the class weight of i's label for class-weighted cross entropy, so
torch's CrossEntropyLoss(weight=...) normalisation is kept), its denominator, and the gradient with respect to the
logits. Run from the repository root with the project's venv:

    /work/venv/bin/python heads/src/test/resources/example-weights/weighted_losses.py
"""
import json
import pathlib

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)  # the oracle in float64; jbert computes in float32
HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parents[4] / "testdata" / "fixtures"


def reference(name):
    return json.loads((FIXTURES / name / "reference.json").read_text())


def case(loss_fn, logits, weights, denominator):
    x = torch.tensor(logits, requires_grad=True)
    loss = loss_fn(x)
    loss.backward()
    return {"weights": weights, "value": loss.item(), "denominator": denominator, "logits_gradient": x.grad.tolist()}


def weighted_ce(y, w, class_weights=None, smoothing=0.0):
    cw = None if class_weights is None else torch.tensor(class_weights)

    def f(x):
        per_example = F.cross_entropy(x, y, reduction="none", weight=cw, label_smoothing=smoothing)
        return (per_example * w).sum() / (w * (cw[y] if cw is not None else 1.0)).sum()
    return f


def weighted_focal(y, w, gamma, alpha=None):
    a = None if alpha is None else torch.tensor(alpha)

    def f(x):
        log_py = F.log_softmax(x, dim=1).gather(1, y[:, None])[:, 0]
        per_example = -(1 - log_py.exp()) ** gamma * log_py
        if a is not None:
            per_example = per_example * a[y]
        return (per_example * w).sum() / w.sum()
    return f


def weighted_bce(t, w, pos_weight=None):
    pw = None if pos_weight is None else torch.tensor(pos_weight)

    def f(x):
        per_example = F.binary_cross_entropy_with_logits(x, t, reduction="none", pos_weight=pw).mean(1)
        return (per_example * w).sum() / w.sum()
    return f


def weighted_sigmoid_focal(t, w, gamma, alpha):
    # torchvision.ops.sigmoid_focal_loss with reduction="none", written out (torchvision is not in the venv)
    def f(x):
        p = torch.sigmoid(x)
        ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
        p_t = p * t + (1 - p) * (1 - t)
        loss = ce * (1 - p_t) ** gamma
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
        return (loss.mean(1) * w).sum() / w.sum()
    return f


def weighted_mse(t, w):
    def f(x):
        return (((x.squeeze(-1) - t) ** 2) * w).sum() / w.sum()
    return f


def main():
    out = {"source": "weighted_losses.py, torch " + torch.__version__}

    seq = reference("seq-cls")
    y = torch.tensor(seq["labels"])
    # the last four examples stand for synthetic ones of weight 2.5, one real example has weight 0.5 as a check that
    # nothing assumes only two values
    w_list = [1.0] * (len(seq["labels"]) - 4) + [2.5] * 4
    w_list[1] = 0.5
    w = torch.tensor(w_list)
    cw = seq["losses"]["weighted_cross_entropy"]["weights"]
    alpha = seq["losses"]["focal_gamma2_alpha"]["alpha"]
    cw_t = torch.tensor(cw)
    out["seq-cls"] = {
        "cross_entropy": case(weighted_ce(y, w), seq["logits"], w_list, w.sum().item()),
        "class_weighted_cross_entropy": dict(case(weighted_ce(y, w, cw), seq["logits"], w_list, (w * cw_t[y]).sum().item()),
                                             class_weights=cw),
        "class_weighted_label_smoothing_0.1": dict(case(weighted_ce(y, w, cw, 0.1), seq["logits"], w_list,
                                                        (w * cw_t[y]).sum().item()), class_weights=cw),
        "focal_gamma2_alpha": dict(case(weighted_focal(y, w, 2.0, alpha), seq["logits"], w_list, w.sum().item()), alpha=alpha),
    }

    ml = reference("multi-label")
    t = torch.tensor(ml["labels"])
    wm_list = [1.0] * (len(ml["labels"]) - 3) + [0.25] * 3
    wm = torch.tensor(wm_list)
    c = t.shape[1]
    pw = ml["losses"]["bce_pos_weight"]["pos_weight"]
    out["multi-label"] = {
        "bce_pos_weight": dict(case(weighted_bce(t, wm, pw), ml["logits"], wm_list, c * wm.sum().item()), pos_weight=pw),
        "sigmoid_focal_gamma2_alpha0.25": case(weighted_sigmoid_focal(t, wm, 2.0, 0.25), ml["logits"], wm_list, c * wm.sum().item()),
    }

    reg = reference("pair-regression")
    tr = torch.tensor(reg["labels"])
    wr_list = [1.0, 3.0, 1.0][: len(reg["labels"])]
    wr = torch.tensor(wr_list)
    out["pair-regression"] = {"mse": case(weighted_mse(tr, wr), reg["logits"], wr_list, wr.sum().item())}

    (HERE / "weighted_losses.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
