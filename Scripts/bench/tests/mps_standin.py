"""Installs tests/mps_standin.sh as an executable in a temporary folder (a checkout may drop its +x bit)."""
import os
import shutil

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mps_standin.sh")


def install_standin(folder):
    path = os.path.join(folder, "nvidia-cuda-mps-control-standin")
    shutil.copyfile(SCRIPT, path)
    os.chmod(path, 0o755)
    return path
