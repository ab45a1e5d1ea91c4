"""The network: size, equality with timm's legacy_xception, flow shapes, gradients, dropout."""

import pytest
import torch

from training.xception import Xception


def test_parameter_count_matches_paper_table():
    # Chollet 2017, Table 3 / timm legacy_xception: 22,855,952 trainable parameters for 1,000 classes.
    model = Xception(num_classes=1000)
    assert sum(p.numel() for p in model.parameters() if p.requires_grad) == 22_855_952


def test_same_logits_as_timm_legacy_xception():
    timm = pytest.importorskip("timm")
    torch.manual_seed(0)
    reference = timm.create_model("legacy_xception", pretrained=False, num_classes=1000).eval()
    ours = Xception(num_classes=1000).eval()
    result = ours.load_state_dict(reference.state_dict(), strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    x = torch.randn(2, 3, 299, 299)
    with torch.no_grad():
        expected, got = reference(x), ours(x)
    assert got.shape == (2, 1000)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=0)


def test_forward_flows_shapes_at_299():
    model = Xception(num_classes=2).eval()
    with torch.no_grad():
        flows = model.forward_flows(torch.randn(1, 3, 299, 299))
        logits = model(torch.randn(1, 3, 299, 299))
    assert flows.entry_flow.shape == (1, 728, 19, 19)
    assert flows.middle_flow.shape == (1, 728, 19, 19)
    assert flows.exit_flow.shape == (1, 2048, 10, 10)
    assert flows.logits.shape == logits.shape == (1, 2)
    assert (flows.exit_flow >= 0).all()  # after the last ReLU


def test_flows_agree_with_forward():
    torch.manual_seed(1)
    model = Xception(num_classes=2).eval()
    x = torch.randn(2, 3, 96, 128)
    with torch.no_grad():
        torch.testing.assert_close(model.forward_flows(x).logits, model(x))
        assert model.forward_flows(x).exit_flow.shape == (2, 2048, 3, 4)


def test_small_input_trains_every_parameter():
    torch.manual_seed(0)
    model = Xception(num_classes=2)
    x = torch.randn(2, 3, 64, 64)
    out = model(x)
    assert out.shape == (2, 2) and torch.isfinite(out).all()
    torch.nn.functional.cross_entropy(out, torch.tensor([0, 1])).backward()
    no_grad = [n for n, p in model.named_parameters() if p.grad is None or not torch.isfinite(p.grad).all()]
    assert no_grad == []
    assert all(p.grad.abs().sum() > 0 for p in model.parameters())


def test_drop_rate_has_an_effect_in_training_only():
    torch.manual_seed(0)
    model = Xception(num_classes=2, drop_rate=0.5)
    x = torch.randn(2, 3, 64, 64)
    model.train()
    with torch.no_grad():
        features = model.forward_features(x)
        a, b = model.forward_head(features), model.forward_head(features)
    assert not torch.equal(a, b)
    model.eval()
    with torch.no_grad():
        assert torch.equal(model.forward_head(features), model.forward_head(features))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="num_classes"):
        Xception(num_classes=0)
    with pytest.raises(ValueError, match="drop_rate"):
        Xception(drop_rate=1.5)
