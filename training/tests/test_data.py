"""The data directory records how its clips were rendered (render.json)."""

import json
import tempfile
import unittest
from pathlib import Path

from causvid.data import render_dataset, rendered_object_scale, write_render_info


class RenderInfoTest(unittest.TestCase):
    def test_data_without_render_json_was_rendered_at_the_shipped_radius(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(rendered_object_scale(Path(d)), 1.0)

    def test_the_scale_written_is_the_scale_read(self):
        with tempfile.TemporaryDirectory() as d:
            write_render_info(Path(d), clips=10, seed=3, object_scale=2.0)
            self.assertEqual(rendered_object_scale(Path(d)), 2.0)
            self.assertEqual(json.loads((Path(d) / "render.json").read_text()), {"clips": 10, "seed": 3, "object_scale": 2.0})

    def test_a_render_records_its_object_scale(self):
        with tempfile.TemporaryDirectory() as d:
            render_dataset(Path(d), 2, n_blocks=2, frames_per_block=1, workers=1, object_scale=1.5)
            self.assertEqual(rendered_object_scale(Path(d)), 1.5)
            self.assertTrue((Path(d) / "frames.npy").exists())


if __name__ == "__main__":
    unittest.main()
