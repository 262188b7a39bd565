"""The network: Hugging Face Hub metadata and verified downloads (``aimodel fetch``)."""
