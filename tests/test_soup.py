"""training.soup: weight averaging of networks that share an initialisation."""

import pytest
import torch

from training.soup import average_state_dicts, main
from training.xception import Xception


@pytest.fixture(scope="module")
def two_networks():
    torch.manual_seed(0)
    a = Xception(num_classes=2).state_dict()
    torch.manual_seed(1)
    b = Xception(num_classes=2).state_dict()
    b["bn1.num_batches_tracked"] = torch.tensor(7)
    b["bn1.running_var"] = b["bn1.running_var"] * 3.0  # fresh networks all have 1 here
    return a, b


def test_average_is_the_weighted_mean_and_keeps_integer_buffers(two_networks):
    a, b = two_networks
    soup = average_state_dicts([a, b], [0.25, 0.75])
    for key in ("conv1.weight", "fc.weight", "bn1.running_var"):
        assert torch.allclose(soup[key], 0.25 * a[key] + 0.75 * b[key], atol=1e-6)
        assert not torch.allclose(soup[key], a[key])
    assert soup["bn1.num_batches_tracked"] == a["bn1.num_batches_tracked"]
    net = Xception(num_classes=2)
    net.load_state_dict(soup)  # a whole, loadable network


def test_a_mix_of_one_returns_that_ingredient(two_networks):
    a, b = two_networks
    soup = average_state_dicts([a, b], [0.0, 1.0])
    assert all(torch.equal(soup[k], b[k]) for k in b if b[k].is_floating_point())


@pytest.mark.parametrize("mix", [[0.5, 0.6], [1.5, -0.5], [1.0]])
def test_bad_mixing_weights_are_refused(two_networks, mix):
    with pytest.raises(ValueError):
        average_state_dicts(list(two_networks), mix)


def test_different_architectures_are_refused(two_networks):
    a, _ = two_networks
    other = dict(a)
    other["fc.weight"] = torch.zeros(3, a["fc.weight"].shape[1])
    with pytest.raises(ValueError, match="shapes differ"):
        average_state_dicts([a, other], [0.5, 0.5])


def test_cli_needs_a_checkpoint_for_the_data(tmp_path, capsys):
    rc = main(["--ingredients", "resources/models/catdog-xception.onnx", "--out", str(tmp_path / "s.pt")])
    assert rc == 2
    assert "training checkpoint" in capsys.readouterr().err
    assert not (tmp_path / "s.pt").exists()
