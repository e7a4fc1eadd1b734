"""The five DISB models in fp16 with random weights (fixed seeds, nothing downloaded), and their inputs."""
import torch

IMAGE_SIZE = {"vgg19": 224, "resnet152": 224, "densenet201": 224, "inception_v3": 299}
SEQ_LEN = 128  # DistilBERT tokens per request


def build(name, seed):
    """An eval-mode fp16 model on the GPU."""
    torch.manual_seed(seed)
    if name == "distilbert":
        from transformers import DistilBertConfig, DistilBertModel
        # DistilBERT-base shape (6 layers, dim 768). No pad token: with no padding in the input,
        # the model has no reason to read the input back to the host (a sync, and no graph capture).
        try:
            model = DistilBertModel(DistilBertConfig(pad_token_id=None))
        except (TypeError, ValueError):
            model = DistilBertModel(DistilBertConfig())
    else:
        import torchvision.models as tvm
        ctor = {"vgg19": tvm.vgg19, "resnet152": tvm.resnet152, "densenet201": tvm.densenet201,
                "inception_v3": tvm.inception_v3}[name]
        kwargs = {"weights": None}
        if name == "inception_v3":
            kwargs.update(aux_logits=False, init_weights=False)
        model = ctor(**kwargs)
    return model.to(device="cuda", dtype=torch.float16).eval()


def make_input(name, batch, seed):
    g = torch.Generator().manual_seed(seed)
    if name == "distilbert":
        return torch.randint(1, 30000, (batch, SEQ_LEN), generator=g).cuda()
    s = IMAGE_SIZE[name]
    return torch.randn(batch, 3, s, s, generator=g).to(device="cuda", dtype=torch.float16)


def forward_fn(name, model, x):
    """A no-argument callable running one forward pass (what eager requests and graph capture call)."""
    if name == "distilbert":
        return lambda: model(input_ids=x)
    return lambda: model(x)
