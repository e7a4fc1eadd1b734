"""Every script compiles and every shell script parses, since most only run on the GPU machine."""
import glob
import os
import shutil
import subprocess
import unittest

from . import _paths


class SyntaxTest(unittest.TestCase):
    def test_python_compiles(self):
        files = glob.glob(os.path.join(_paths.GPU, "**", "*.py"), recursive=True)
        self.assertGreater(len(files), 15)
        for path in files:
            with open(path, encoding="utf-8") as fh:
                compile(fh.read(), path, "exec")

    @unittest.skipUnless(shutil.which("bash"), "bash not installed")
    def test_shell_parses(self):
        files = glob.glob(os.path.join(_paths.GPU, "**", "*.sh"), recursive=True)
        self.assertGreaterEqual(len(files), 2)
        for path in files:
            proc = subprocess.run(["bash", "-n", path], capture_output=True, text=True)
            self.assertEqual(proc.returncode, 0, path + ": " + proc.stderr)

    def test_cuda_sources_present(self):
        for name in ("empty_launch.cu", "cross_runtime.cu"):
            self.assertTrue(os.path.isfile(os.path.join(_paths.INTERCEPTION, name)))


if __name__ == "__main__":
    unittest.main()
