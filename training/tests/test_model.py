"""The causal student: a later block never changes an earlier one, and the KV-cached
streaming step equals the full-sequence forward."""

import math
import unittest
from unittest import mock

import numpy as np
import torch

import causvid.model
from causvid.model import (
    ChunkedAttention,
    ModelConfig,
    TextEncoder,
    VideoDiT,
    attend,
    attention_weights,
    block_causal_bias,
    block_channel_means,
    clean_error_weight,
    doubled_block_causal_bias,
    excess_change_loss,
    frame_difference_loss,
    place_map,
    relative_offset_index,
    spatial_attention_bias,
    statistics_anchor_loss,
    velocity_from_clean,
    x0_from_v,
)
from causvid import sampler
from causvid.sampler import KvCache, encode_block_prompts, teacher_sample


def tiny(**overrides):
    cfg = ModelConfig(vocab_size=40, dim=32, layers=2, heads=2, text_dim=16, text_layers=1, text_heads=2, **overrides)
    torch.manual_seed(0)
    dit = VideoDiT(cfg)
    with torch.no_grad():
        for p in dit.parameters():
            p.add_(torch.randn_like(p) * 0.05)  # wake the zero-initialised layers
        dit.spatial_bias.normal_(0.0, 1.0)  # strong enough that a misplaced bias would show
    return cfg, dit.eval(), TextEncoder(cfg).eval()


def text_for(cfg, te, b, nb):
    tok = torch.randint(3, cfg.vocab_size, (b * nb, cfg.max_tokens))
    tok[:, 0] = 1
    tok[:, 8:] = 0
    return te(tok).reshape(b, nb, cfg.max_tokens, -1), (tok != 0).float().reshape(b, nb, -1)


class CleanPredictionTest(unittest.TestCase):
    def test_the_clean_estimate_is_the_network_s_output(self):
        # The same weights read both ways: the velocity network's output is what the clean-
        # predicting one gives as x0, so x0_from_v of the latter's v must give it back.
        _, velocity_net, te = tiny()
        _, clean_net, _ = tiny(predicts="clean")
        clean_net.load_state_dict(velocity_net.state_dict())
        x, t = torch.randn(2, 16, 8, 16, 16), 0.05 + 0.95 * torch.rand(2, 16)
        emb, mask = text_for(velocity_net.cfg, te, 2, 4)
        with torch.no_grad():
            out = velocity_net.bidirectional(x, t, emb, mask)
            v = clean_net.bidirectional(x, t, emb, mask)
        torch.testing.assert_close(x0_from_v(x, v, t), out, atol=1e-4, rtol=1e-4)

    def test_low_noise_is_floored(self):
        x, x0 = torch.ones(1, 2, 1, 1, 1), torch.zeros(1, 2, 1, 1, 1)
        v = velocity_from_clean(x, x0, torch.tensor([[0.0, 0.5]]))
        self.assertEqual(v.flatten().tolist(), [20.0, 2.0])  # 1 / 0.05, 1 / 0.5

    def test_the_clean_error_weight_caps_the_weight_on_the_clean_estimate(self):
        t = torch.tensor([0.05, 0.25, 0.5, 1.0])
        w = clean_error_weight(t, 0.5)
        torch.testing.assert_close(w, torch.tensor([0.01, 0.25, 1.0, 1.0]))
        # The velocity loss weighs the clean estimate's error by 1/t^2: times w, at most 1/0.5^2.
        torch.testing.assert_close(w / t**2, torch.tensor([4.0, 4.0, 4.0, 1.0]))

    def test_an_unknown_parameterisation_is_refused(self):
        with self.assertRaises(ValueError):
            tiny(predicts="noise")


class CausalTest(unittest.TestCase):
    def test_later_block_never_changes_earlier_output(self):
        cfg, dit, te = tiny()
        x = torch.randn(1, 16, 8, 16, 16)
        t = torch.rand(1, 16)
        emb, mask = text_for(cfg, te, 1, 4)
        with torch.no_grad():
            v1, _ = dit.block_causal(x, t, emb, mask)
            x2 = x.clone()
            x2[:, 8:] = torch.randn(1, 8, 8, 16, 16)
            v2, _ = dit.block_causal(x2, t, emb, mask)
        self.assertTrue(torch.allclose(v1[:, :8], v2[:, :8], atol=1e-5))
        self.assertFalse(torch.allclose(v1[:, 8:], v2[:, 8:], atol=1e-3))

    def test_kv_cached_step_equals_full_sequence(self):
        self.check_kv_cached_step_equals_full_sequence(*tiny())

    def test_kv_cached_step_equals_full_sequence_when_predicting_clean_frames(self):
        self.check_kv_cached_step_equals_full_sequence(*tiny(predicts="clean"))

    def test_kv_cached_step_equals_full_sequence_with_the_place_input(self):
        self.check_kv_cached_step_equals_full_sequence(*tiny(place_input=True))

    def check_kv_cached_step_equals_full_sequence(self, cfg, dit, te):
        b = 2
        clean, noisy = torch.randn(b, 16, 8, 16, 16), torch.randn(b, 16, 8, 16, 16)
        t = torch.rand(b, 16)
        emb, mask = text_for(cfg, te, b, 4)
        with torch.no_grad():
            full = dit.teacher_forced(clean, noisy, t, emb, mask)
            cache = KvCache(dit, context_frames=12, sink_frames=0, batch=b)
            for blk in range(4):
                s = slice(4 * blk, 4 * blk + 4)
                kv, cpos, cmask = cache.tensors()
                pos = cache.next_positions()
                v, _ = dit(noisy[:, s], t[:, s], emb[:, blk : blk + 1], mask[:, blk : blk + 1], pos, torch.zeros(1), kv, cpos, cmask)
                self.assertTrue(torch.allclose(v, full[:, s], atol=1e-4), f"block {blk}")
                _, bkv = dit(clean[:, s], torch.zeros(b, 4), emb[:, blk : blk + 1], mask[:, blk : blk + 1], pos, torch.zeros(1), kv, cpos, cmask)
                cache.append(bkv, clean[:, s])

    def test_doubled_mask(self):
        m = doubled_block_causal_bias(8, 4, 1) == 0  # two blocks, one token per frame
        self.assertTrue(m[8, 0:4].logical_not().all())  # noisy block 0 sees no clean frame
        self.assertTrue(m[12, 0:4].all() and not m[12, 4:8].any())  # noisy block 1 sees clean block 0 only
        self.assertTrue(m[12, 12:16].all() and not m[12, 8:12].any())

    def test_cache_rolls_with_sinks(self):
        cfg, dit, _ = tiny()
        cache = KvCache(dit, context_frames=12, sink_frames=4)
        n = 4 * cfg.tokens_per_frame
        for i in range(6):
            cache.append(torch.full((2, 2, 1, 2, n, 16), float(i)), torch.full((1, 4, 8, 16, 16), float(i)))
        self.assertEqual([int(l[0, 0, 0, 0, 0]) for _, l in cache.blocks], [0, 4, 5])
        kv, pos, mask = cache.tensors()
        self.assertEqual(pos.max().item(), 11)
        self.assertEqual(mask.sum().item(), 12 * cfg.tokens_per_frame)


    def test_training_rollout_keeps_given_frames_and_continues_from_them(self):
        """DMD's rollouts pin a photo's first frame as the engine does, and what follows
        depends on it (it reaches later blocks through the KV cache)."""
        from train_dmd import rollout

        cfg, dit, te = tiny()
        torch.manual_seed(1)
        emb, mask = text_for(cfg, te, 2, 4)
        noise, real = torch.randn(2, 16, 8, 16, 16), torch.randn(2, 16, 8, 16, 16)
        known = torch.zeros(2, 16, dtype=torch.bool)
        known[0, 0] = True
        with torch.no_grad():
            x0, states, _ = rollout(dit, emb, mask, [1.0, 0.5], noise, 12, known, real)
            other = real.clone()
            other[0, 0] += 1.0
            x0_other, _, _ = rollout(dit, emb, mask, [1.0, 0.5], noise, 12, known, other)
        self.assertTrue(torch.equal(x0[0, 0], real[0, 0]))
        self.assertTrue(torch.equal(states[0, :, 0], real[0, 0].expand(2, -1, -1, -1)))
        self.assertFalse(torch.equal(x0[1, 0], real[1, 0]))
        self.assertGreater((x0_other[0, 4:] - x0[0, 4:]).abs().max().item(), 1e-4)
        self.assertTrue(torch.equal(x0_other[1], x0[1]))

    def test_the_gradient_pass_is_teacher_forcing_while_the_window_has_not_rolled(self):
        """DMD re-runs one step per block against the context it was made with; within the
        teacher's clip that is the function teacher_forced computes from the clean blocks."""
        from train_dmd import denoise_in_context, rollout
        from train_student_ode import states_at

        cfg, dit, te = tiny()
        torch.manual_seed(2)
        emb, mask = text_for(cfg, te, 2, 4)
        noise = torch.randn(2, 16, 8, 16, 16)
        known = torch.zeros(2, 16, dtype=torch.bool)
        with torch.no_grad():
            x0, states, contexts = rollout(dit, emb, mask, [1.0, 0.5], noise, 12, known, noise, 4, keep_last=4)
            k = torch.tensor([[0] * 4 + [1] * 4 + [1] * 4 + [0] * 4, [1] * 8 + [0] * 8])
            noisy, t = states_at(states, k), torch.tensor([1.0, 0.5])[k]
            ours = denoise_in_context(dit, noisy, t, emb, mask, contexts)
            theirs = noisy - t[:, :, None, None, None] * dit.teacher_forced(x0, noisy, t, emb, mask)
        self.assertEqual(len(contexts), 4)
        self.assertLess((ours - theirs).abs().max().item(), 1e-4)
        self.assertGreater(ours.abs().max().item(), 0.1)

    def test_a_long_rollout_scores_blocks_made_against_a_rolled_window(self):
        """Past the clip the window drops middle blocks and keeps the sink: the last block's
        context holds the first block and the two before it, at slot positions 0..11."""
        from train_dmd import rollout

        cfg, dit, te = tiny()
        torch.manual_seed(3)
        emb, mask = text_for(cfg, te, 1, 6)
        noise = torch.randn(1, 24, 8, 16, 16)
        with torch.no_grad():
            x0, _, contexts = rollout(dit, emb, mask, [1.0, 0.5], noise, 12, torch.zeros(1, 24, dtype=torch.bool), noise, 4, keep_last=2)
            _, sink_kv = dit.step(x0[:, :4], torch.zeros(1, 4), torch.arange(4.0), emb[:, 0], mask[:, 0], None, None, None)
        kv, cpos, cmask, fpos = contexts[-1]
        n = 4 * cfg.tokens_per_frame
        self.assertEqual(fpos.tolist(), [12.0, 13.0, 14.0, 15.0])
        self.assertEqual(cmask.sum().item(), 12 * cfg.tokens_per_frame)
        self.assertEqual(cpos[::cfg.tokens_per_frame].tolist(), list(map(float, range(12))))
        self.assertLess((kv[:, :, :, :, :n] - sink_kv).abs().max().item(), 1e-5)

    def test_the_continuation_regression_weighs_frames_with_context_up_to_its_noise_cap(self):
        from train_dmd import continuation_weights

        t = torch.tensor([[0.0, 0.5, 0.5, 0.5, 1.0, 1.0, 0.75, 0.75], [1.0, 1.0, 1.0, 1.0, 0.25, 0.25, 1.0, 1.0]])
        photo = torch.tensor([True, False])
        self.assertEqual(continuation_weights(t, photo, 2).tolist(), [[0, 1, 1, 1, 1, 1, 1, 1], [0, 0, 1, 1, 1, 1, 1, 1]])
        self.assertEqual(continuation_weights(t, photo, 2, 0.75).tolist(), [[0, 1, 1, 1, 0, 0, 1, 1], [0, 0, 0, 0, 1, 1, 0, 0]])

    def test_a_share_of_rollouts_can_be_the_teachers_clip_alone(self):
        import numpy as np
        from train_dmd import rollout_length

        rng = np.random.default_rng(0)
        lengths = [rollout_length(rng, 16, 4, 0.5) for _ in range(400)]
        self.assertEqual(set(lengths), {4, 16})
        self.assertLess(abs(lengths.count(4) / 400 - 0.5), 0.1)
        # At share 0 the generator is left alone, so the shipped recipe's draws do not move.
        rng, untouched = np.random.default_rng(1), np.random.default_rng(1)
        self.assertEqual(rollout_length(rng, 16, 4, 0.0), 16)
        self.assertEqual(rng.random(), untouched.random())

    def test_a_rollouts_lead_in_holds_the_first_prompt_or_cycles_the_clips_schedule(self):
        from train_dmd import rolled_prompts

        clips = [["r", "r", "b", "b"], ["s", "s", "s", "s"]]
        self.assertEqual(rolled_prompts(clips, 2, "first"), [["r", "r", "r", "r", "b", "b"], ["s"] * 6])
        # Cycled, the lead-in ends where the clip's schedule ends, so it repeats seamlessly.
        self.assertEqual(rolled_prompts(clips, 6, "cycle")[0], ["b", "b", "r", "r", "b", "b", "r", "r", "b", "b"])
        self.assertEqual(rolled_prompts(clips, 0, "cycle"), clips)
        with self.assertRaises(ValueError):
            rolled_prompts(clips, 2, "random")

    def test_the_steadiness_penalty_leaves_out_the_blocks_from_a_prompt_switch(self):
        from train_dmd import switch_free_pairs

        # Two lead-in blocks, then three scored blocks of two frames; the switch at the second.
        rolled = [["a", "a", "a", "b", "b"], ["a", "a", "a", "a", "a"]]
        self.assertEqual(switch_free_pairs(rolled, 3, 2, True, 1).tolist(), [[1, 1, 0, 0, 1, 1], [1] * 6])
        self.assertEqual(switch_free_pairs(rolled, 3, 2, True, 2).tolist(), [[1, 1, 0, 0, 0, 0], [1] * 6])
        # Without the frame before, the first pair ends in the scored blocks' second frame.
        self.assertEqual(switch_free_pairs(rolled, 3, 2, False, 1).tolist(), [[1, 0, 0, 1, 1], [1] * 5])
        # A switch into the first scored block, from the last lead-in block, counts too.
        self.assertEqual(switch_free_pairs([["a", "b", "b"]], 2, 1, True, 1).tolist(), [[0, 1]])

    def test_the_dmd_gradient_can_leave_out_the_blocks_from_a_prompt_switch(self):
        from train_dmd import switch_free_frames

        rolled = [["a", "a", "a", "b", "b"], ["a", "a", "a", "a", "a"], ["a", "a", "b", "c", "c"]]
        self.assertEqual(switch_free_frames(rolled, 3, 2, 1).tolist(), [[1, 1, 0, 0, 1, 1], [1] * 6, [0, 0, 0, 0, 1, 1]])
        self.assertEqual(switch_free_frames(rolled, 3, 2, 2).tolist(), [[1, 1, 0, 0, 0, 0], [1] * 6, [0, 0, 0, 0, 0, 0]])


class ChunkedAttentionTest(unittest.TestCase):
    """Training on the CPU attends a block of queries at a time; it must be the plain product."""

    def _plain(self, q, k, v, bias):
        return torch.matmul(attention_weights(q, k, bias), v)

    def _compare(self, b, h, nq, nk, bias):
        g = torch.Generator().manual_seed(nq + nk)
        q, k, v = (torch.randn(b, h, n, 8, generator=g, dtype=torch.float64, requires_grad=True) for n in (nq, nk, nk))
        bias = bias.clone().requires_grad_(True)
        grad_out = torch.randn(b, h, nq, 8, generator=g, dtype=torch.float64)
        want = self._plain(q, k, v, bias)
        want_grads = torch.autograd.grad(want, (q, k, v, bias), grad_out)
        got = ChunkedAttention.apply(q, k, v, bias)
        got_grads = torch.autograd.grad(got, (q, k, v, bias), grad_out)
        torch.testing.assert_close(got, want, rtol=0, atol=1e-12)
        for name, a, e in zip("q k v bias".split(), got_grads, want_grads):
            self.assertEqual(a.shape, e.shape, name)
            torch.testing.assert_close(a, e, rtol=0, atol=1e-11, msg=name)

    def test_equals_the_plain_product_and_its_gradients_across_query_blocks(self):
        # 300 queries: a full block of 256 and a part block, as the export never sees.
        mask = block_causal_bias(6, 2, 50).to(torch.float64)[:300, :300]  # holds -1e9 entries
        g = torch.Generator().manual_seed(0)
        for bias in (
            mask[None, None],  # one mask for every clip and head
            mask[None, None] + torch.randn(1, 3, 300, 300, generator=g, dtype=torch.float64),  # a bias per head
            torch.randn(2, 1, 300, 300, generator=g, dtype=torch.float64),  # per clip
            torch.randn(2, 1, 1, 300, generator=g, dtype=torch.float64),  # per key only, as a padding mask
        ):
            self._compare(2, 3, 300, 300, bias)

    def test_keys_may_outnumber_queries(self):
        self._compare(1, 2, 260, 520, torch.zeros(1, 1, 260, 520, dtype=torch.float64))

    def test_attend_takes_it_for_long_sequences_with_or_without_autograd(self):
        long = [torch.randn(1, 2, 256, 8, requires_grad=True) for _ in range(3)]
        short = [torch.randn(1, 2, 64, 8, requires_grad=True) for _ in range(3)]
        with mock.patch.object(ChunkedAttention, "apply", wraps=ChunkedAttention.apply) as chunked:
            attend(*long, torch.zeros(1, 1, 256, 256))
            attend(*short, torch.zeros(1, 1, 64, 64))
            with torch.no_grad():
                out = attend(*long, torch.zeros(1, 1, 256, 256))
        self.assertEqual([c.args[0].shape[-2] for c in chunked.call_args_list], [256, 256])
        torch.testing.assert_close(out, self._plain(*long, torch.zeros(1, 1, 256, 256)))

    def test_a_training_step_of_the_network_is_unchanged(self):
        cfg, dit, text = tiny(patch=2)  # 1,024 tokens a clip, and the spatial bias learns
        dit.spatial_bias.requires_grad_(True)
        x = torch.randn(1, cfg.clip_frames, cfg.latent_channels, cfg.latent_size, cfg.latent_size)
        t = torch.rand(1, cfg.clip_frames)
        tok = torch.randint(3, cfg.vocab_size, (1, cfg.clip_frames // cfg.frames_per_block, cfg.max_tokens))
        grads = []
        for threshold in (causvid.model.CHUNKED_MIN_SCORES, 10**12):  # chunked, then plain
            with mock.patch.object(causvid.model, "CHUNKED_MIN_SCORES", threshold):
                dit.zero_grad()
                emb = text(tok.reshape(-1, cfg.max_tokens)).reshape(1, tok.shape[1], cfg.max_tokens, -1)
                dit.bidirectional(x, t, emb, torch.ones(tok.shape)).square().mean().backward()
                grads.append(torch.cat([p.grad.reshape(-1) for p in dit.parameters()]))
        self.assertGreater(dit.spatial_bias.grad.abs().max().item(), 0.0)
        torch.testing.assert_close(grads[0], grads[1], rtol=1e-4, atol=1e-6)


class SpatialBiasTest(unittest.TestCase):
    def test_offsets_of_a_two_by_two_grid(self):
        # Places 0 1 / 2 3; offset (dy, dx) is numbered (dy + 1) * 3 + (dx + 1).
        expected = torch.tensor([[4, 5, 7, 8], [3, 4, 6, 7], [1, 2, 4, 5], [0, 1, 3, 4]])
        self.assertTrue(torch.equal(relative_offset_index(2), expected))

    def test_every_frame_and_cache_slot_gets_the_same_places(self):
        table = torch.arange(2 * 4 * 4, dtype=torch.float32).reshape(2, 4, 4)
        bias = spatial_attention_bias(table, 8, 12)  # 2 query frames, 3 key frames of 4 tokens
        self.assertEqual(tuple(bias.shape), (1, 2, 8, 12))
        self.assertTrue(torch.equal(bias[0, 1, 5, 10], table[1, 1, 2]))
        self.assertTrue(torch.equal(bias[0, :, 4:8, 8:12], table))

    def test_part_frames_give_the_same_places_as_whole_ones(self):
        table = torch.randn(2, 4, 4)
        whole = spatial_attention_bias(table, 8, 12)  # tiled
        self.assertTrue(torch.equal(spatial_attention_bias(table, 6, 11), whole[:, :, :6, :11]))  # gathered

    def test_a_checkpoint_from_before_the_bias_loads_as_the_same_network(self):
        cfg, dit, te = tiny()
        with torch.no_grad():
            dit.spatial_bias.zero_()
        old = {k: v for k, v in dit.state_dict().items() if k != "spatial_bias"}
        loaded = VideoDiT(cfg)
        loaded.load_state_dict(old)
        x, t = torch.randn(1, 8, 8, 16, 16), torch.rand(1, 8)
        emb, mask = text_for(cfg, te, 1, 2)
        with torch.no_grad():
            self.assertTrue(torch.equal(loaded.eval().bidirectional(x, t, emb, mask), dit.bidirectional(x, t, emb, mask)))


class PlaceInputTest(unittest.TestCase):
    def test_the_map_marks_a_cell_off_the_frames_mean_whatever_its_colour(self):
        frame = torch.zeros(1, 1, 2, 2, 2)
        frame[0, 0, :, 0, 1] = torch.tensor([3.0, 4.0])  # one cell off a flat backdrop
        other = frame.clone()
        other[0, 0, :, 0, 1] = torch.tensor([-4.0, 3.0])  # same place, another "colour"
        # The mean is a quarter of the odd cell: it lies 3/4 of 5 from the mean, the rest 1/4 of 5.
        expected = torch.tensor([[1.25, 3.75], [1.25, 1.25]])
        for x in (frame, other):
            self.assertTrue(torch.allclose(place_map(x)[0, 0, 0], expected, atol=1e-5))

    def test_a_checkpoint_without_it_loads_as_the_same_network(self):
        cfg, dit, te = tiny()
        placed = VideoDiT(ModelConfig(**{**cfg.__dict__, "place_input": True}))
        placed.load_state_dict(dit.state_dict())
        x, t = torch.randn(1, 8, 8, 16, 16), torch.rand(1, 8)
        emb, mask = text_for(cfg, te, 1, 2)
        with torch.no_grad():
            self.assertTrue(torch.allclose(placed.eval().bidirectional(x, t, emb, mask), dit.bidirectional(x, t, emb, mask), atol=1e-6))
            # Once it learns to read the map, it does (random: equal weights are one offset on
            # every feature, which the layer norms remove).
            placed.place_embed.weight.copy_(torch.randn_like(placed.place_embed.weight))
            self.assertFalse(torch.allclose(placed.bidirectional(x, t, emb, mask), dit.bidirectional(x, t, emb, mask), atol=1e-3))


class TextAdaLNTest(unittest.TestCase):
    def test_kv_cached_step_equals_full_sequence_with_the_prompt_in_the_norms(self):
        CausalTest().check_kv_cached_step_equals_full_sequence(*tiny(text_adaln=True))

    def test_a_checkpoint_without_it_loads_as_the_same_network_until_it_learns_to_read_it(self):
        cfg, dit, te = tiny()
        pooled = VideoDiT(ModelConfig(**{**cfg.__dict__, "text_adaln": True})).eval()
        pooled.load_state_dict(dit.state_dict())
        x, t = torch.randn(1, 8, 8, 16, 16), torch.rand(1, 8)
        emb, mask = text_for(cfg, te, 1, 2)
        with torch.no_grad():
            self.assertTrue(torch.allclose(pooled.bidirectional(x, t, emb, mask), dit.bidirectional(x, t, emb, mask), atol=1e-6))
            pooled.text_ada.weight.normal_(0.0, 0.5)
            v = pooled.bidirectional(x, t, emb, mask)
            self.assertFalse(torch.allclose(v, dit.bidirectional(x, t, emb, mask), atol=1e-3))
            # The pool is over the words only: what the padding's places hold does not count.
            padded = emb.clone()
            padded[mask == 0] = torch.randn_like(padded[mask == 0])
            self.assertTrue(torch.allclose(pooled.bidirectional(x, t, padded, mask), v, atol=1e-5))


class ExcessChangeLossTest(unittest.TestCase):
    def test_changes_under_the_threshold_are_free(self):
        frames = torch.zeros(2, 4, 3, 2, 2)
        frames[:, 2] = 0.3  # pair changes of 0.09 and 0.09, under 0.1
        self.assertEqual(excess_change_loss(frames, None, 0.1).item(), 0.0)

    def test_only_the_excess_counts_and_the_context_frame_makes_a_pair(self):
        frames = torch.zeros(1, 2, 1, 1, 2)
        frames[0, 1] = 1.0  # one pair, change 1
        self.assertAlmostEqual(excess_change_loss(frames, None, 0.25).item(), 0.75, places=6)
        before = torch.full((1, 1, 1, 1, 2), 2.0)  # adds a pair of change 4 in front
        self.assertAlmostEqual(excess_change_loss(frames, before, 0.25).item(), (3.75 + 0.75) / 2, places=6)

    def test_pairs_weighted_zero_are_left_out(self):
        frames = torch.zeros(1, 3, 1, 1, 1)
        frames[0, 1] = 1.0  # pairs (0, 1) and (1, 2) both change by 1
        self.assertAlmostEqual(excess_change_loss(frames, None, 0.5, torch.tensor([[1.0, 0.0]])).item(), 0.5, places=6)
        self.assertEqual(excess_change_loss(frames, None, 0.5, torch.zeros(1, 2)).item(), 0.0)

    def test_the_gradient_reaches_the_frames_and_not_the_context(self):
        frames = torch.zeros(1, 1, 1, 1, 1, requires_grad=True)
        before = torch.ones(1, 1, 1, 1, 1, requires_grad=True)
        excess_change_loss(frames, before.detach(), 0.0).backward()
        self.assertAlmostEqual(frames.grad.item(), -2.0, places=6)
        self.assertIsNone(before.grad)


class StatisticsAnchorLossTest(unittest.TestCase):
    def test_block_means_are_per_block_and_channel(self):
        frames = torch.zeros(1, 4, 2, 2, 2)
        frames[0, 0, 0] = 1.0  # block 0, channel 0: one frame of two at 1
        frames[0, 3, 1, 0, 0] = 4.0  # block 1, channel 1: one value of 8 at 4
        self.assertEqual(block_channel_means(frames, 2).tolist(), [[[0.5, 0.0], [0.0, 0.5]]])

    def test_content_that_moves_within_a_block_costs_nothing(self):
        reference = torch.zeros(1, 2, 1, 2, 2)
        reference[0, :, 0, 0, 0] = 1.0
        moved = torch.zeros(1, 2, 1, 2, 2)
        moved[0, :, 0, 1, 1] = 1.0  # the same blob elsewhere: same statistics
        self.assertEqual(statistics_anchor_loss(moved, reference, 2).item(), 0.0)

    def test_a_darker_block_costs_its_squared_shift_and_pulls_every_value_up(self):
        reference = torch.zeros(1, 4, 1, 1, 2)
        frames = reference.clone()
        frames[0, 2:] = -0.5  # block 1 darker by 0.5; block 0 matches
        frames.requires_grad_(True)
        loss = statistics_anchor_loss(frames, reference, 2)
        self.assertAlmostEqual(loss.item(), 0.25 / 2, places=6)
        loss.backward()
        # d/dx of mean over 2 blocks of (mean of 4 values + 0.5)^2 = 2 * (-0.5) / (2 * 4)
        self.assertTrue(torch.allclose(frames.grad[0, 2:], torch.full((2, 1, 1, 2), -0.125)))
        self.assertTrue(torch.equal(frames.grad[0, :2], torch.zeros(2, 1, 1, 2)))

    def test_pooled_it_holds_what_the_clips_share_and_not_each_clip(self):
        reference = torch.zeros(2, 2, 1, 1, 1)
        apart = reference.clone()
        apart[0], apart[1] = 0.5, -0.5  # one clip brighter, one darker: same mean over both
        self.assertEqual(statistics_anchor_loss(apart, reference, 1, pooled=True).item(), 0.0)
        self.assertAlmostEqual(statistics_anchor_loss(apart, reference, 1).item(), 0.25, places=6)
        darker = reference - 0.5
        self.assertAlmostEqual(statistics_anchor_loss(darker, reference, 1, pooled=True).item(), 0.25, places=6)


class FrameDifferenceLossTest(unittest.TestCase):
    def test_an_offset_that_is_the_same_in_every_frame_costs_nothing(self):
        target = torch.randn(2, 4, 3, 2, 2)
        ones = torch.ones(2, 3)
        self.assertAlmostEqual(frame_difference_loss(target + 0.7, target, ones).item(), 0.0, places=6)

    def test_flicker_costs_twice_per_pair_and_only_weighted_pairs_count(self):
        target = torch.zeros(1, 3, 1, 1, 2)
        pred = target.clone()
        pred[0, 1] = 1.0  # frame 1 is off by 1: both pairs around it change by 1
        self.assertAlmostEqual(frame_difference_loss(pred, target, torch.ones(1, 2)).item(), 1.0, places=6)
        self.assertAlmostEqual(frame_difference_loss(pred, target, torch.tensor([[0.0, 1.0]])).item(), 1.0, places=6)
        pred[0, 2] = 3.0  # pair (1, 2) changes by 2, pair (0, 1) by 1
        self.assertAlmostEqual(frame_difference_loss(pred, target, torch.tensor([[1.0, 1.0]])).item(), 2.5, places=6)
        self.assertAlmostEqual(frame_difference_loss(pred, target, torch.tensor([[0.0, 1.0]])).item(), 4.0, places=6)


class TeacherOptimizerTest(unittest.TestCase):
    def step(self, round_name, learn_bias=False):
        from train_teacher import teacher_optimizer

        cfg, dit, te = tiny()
        with torch.no_grad():
            dit.spatial_bias.zero_()
        opt, params = teacher_optimizer(dit.train(), te, round_name, 1e-2, 20.0, learn_bias)
        emb, mask = text_for(cfg, te, 1, 4)
        x = torch.randn(1, 16, cfg.latent_channels, 16, 16)
        dit.bidirectional(x, torch.rand(1, 16), emb, mask).pow(2).mean().backward()
        opt.step()
        return dit, params

    def test_only_the_spatial_round_moves_the_spatial_bias(self):
        dit, params = self.step("teacher_temporal")
        self.assertEqual(dit.spatial_bias.abs().max().item(), 0.0)
        self.assertFalse(any(p is dit.spatial_bias for p in params))
        dit, params = self.step("teacher_spatial")
        self.assertGreater(dit.spatial_bias.abs().max().item(), 0.0)
        self.assertTrue(any(p is dit.spatial_bias for p in params))

    def test_learn_spatial_bias_moves_it_in_any_round(self):
        for round_name in ("teacher_stills", "teacher", "teacher_temporal"):
            dit, params = self.step(round_name, learn_bias=True)
            self.assertGreater(dit.spatial_bias.abs().max().item(), 0.0, round_name)
            self.assertTrue(any(p is dit.spatial_bias for p in params))

    def test_the_place_input_learns_at_the_bias_rate_in_every_round(self):
        from train_teacher import teacher_optimizer

        cfg, dit, te = tiny(place_input=True)
        opt, params = teacher_optimizer(dit.train(), te, "teacher", 1e-2, 20.0)
        fast = [g for g in opt.param_groups if g["lr_scale"] == 20.0]
        self.assertEqual(len(fast), 1)
        self.assertTrue(any(p is dit.place_embed.weight for p in fast[0]["params"]))
        self.assertFalse(any(p is dit.place_embed.weight for g in opt.param_groups if g is not fast[0] for p in g["params"]))
        self.assertTrue(any(p is dit.place_embed.weight for p in params))


class TimeShiftTest(unittest.TestCase):
    def test_shift_keeps_the_ends_and_moves_the_middle_towards_noise(self):
        from train_teacher import shift_times

        t = torch.tensor([0.0, 0.25, 0.5, 1.0])
        self.assertTrue(torch.allclose(shift_times(t, 1.0), t))
        # 3 t / (1 + 2 t): 0.25 -> 0.5, 0.5 -> 0.75
        self.assertTrue(torch.allclose(shift_times(t, 3.0), torch.tensor([0.0, 0.5, 0.75, 1.0])))


class TeacherSampleGroupTest(unittest.TestCase):
    def test_sampling_a_few_clips_at_a_time_gives_the_same_clips_and_states(self):
        cfg, dit, te = tiny()
        torch.manual_seed(1)
        noise = torch.randn(5, 16, 8, 16, 16)
        real = torch.randn(5, 16, 8, 16, 16)
        known = torch.zeros(5, 16, dtype=torch.bool)
        known[0, 0] = known[3, :8] = True  # a photo's first frame, an extension's first two blocks
        prompts = [["a red ball"] * 4, ["a blue box"] * 4, ["a red ball"] * 2 + ["a blue ball"] * 2, ["a green star"] * 4, ["a white ball"] * 4]
        with torch.no_grad():
            whole, whole_states = teacher_sample(dit, te, prompts, 3, 3.0, noise, cond=(real, known), record=(0, 2), group=len(prompts))
            grouped, grouped_states = teacher_sample(dit, te, prompts, 3, 3.0, noise, cond=(real, known), record=(0, 2), group=2)
            by_default, _ = teacher_sample(dit, te, prompts, 3, 3.0, noise, cond=(real, known), record=(0, 2))  # CPU_SAMPLING_GROUP here
        torch.testing.assert_close(grouped, whole)
        torch.testing.assert_close(by_default, whole)
        self.assertEqual(sorted(grouped_states), [0, 2])
        for k in (0, 2):
            torch.testing.assert_close(grouped_states[k], whole_states[k])
        torch.testing.assert_close(grouped[known], real[known])  # the given frames stay given

    def test_a_group_given_is_kept_and_not_split_again_by_the_cpu_default(self):
        cfg, dit, te = tiny()
        noise = torch.randn(10, 16, 8, 16, 16)
        prompts = [["a red ball"] * 4] * 10
        with mock.patch("causvid.sampler.teacher_sample", wraps=sampler.teacher_sample) as spy:
            sampler.teacher_sample(dit, te, prompts, 2, 3.0, noise, group=5)
        self.assertGreater(5, sampler.CPU_SAMPLING_GROUP)
        self.assertEqual([len(c.args[2]) for c in spy.call_args_list], [10, 5, 5])  # the call, then two passes of 5, not of 4 and 1


class DeviceTest(unittest.TestCase):
    """Training runs on a GPU when there is one, so no forward path may make a tensor on the
    CPU. The meta device checks this without a GPU: mixing it with CPU tensors fails as CUDA does."""

    def test_every_forward_path_stays_on_its_device(self):
        cfg, dit, te = tiny()
        dit, te = dit.to("meta"), te.to("meta")
        b = 2
        x = torch.empty(b, 16, 8, 16, 16, device="meta")
        t = torch.empty(b, 16, device="meta")
        tok = torch.ones(b * 4, cfg.max_tokens, dtype=torch.long, device="meta")
        emb = te(tok).reshape(b, 4, cfg.max_tokens, -1)
        mask = torch.empty(b, 4, cfg.max_tokens, device="meta")
        self.assertEqual(dit.bidirectional(x, t, emb, mask).device.type, "meta")
        self.assertEqual(dit.teacher_forced(x, x, t, emb, mask).device.type, "meta")
        self.assertEqual(dit.block_causal(x, t, emb, mask)[0].device.type, "meta")
        kv = torch.empty(cfg.layers, 2, b, cfg.heads, 8 * cfg.tokens_per_frame, cfg.head_dim, device="meta")
        pos = torch.empty(8 * cfg.tokens_per_frame, device="meta")
        v, _ = dit.step(x[:, :4], t[:, :4], torch.empty(4, device="meta"), emb[:, 0], mask[:, 0], kv, pos, pos)
        self.assertEqual(v.device.type, "meta")

    def test_the_samplers_stay_on_their_device(self):
        from train_dmd import rollout

        cfg, dit, te = tiny()
        dit, te = dit.to("meta"), te.to("meta")
        noise = torch.empty(2, 16, 8, 16, 16, device="meta")
        x0, _ = teacher_sample(dit, te, [["a red ball"] * 4] * 2, 2, 3.0, noise)
        self.assertEqual(x0.device.type, "meta")
        emb, mask = encode_block_prompts(te, [["a red ball"] * 4] * 2)
        known = torch.zeros(2, 16, dtype=torch.bool, device="meta")
        x0, states, _ = rollout(dit, emb, mask, [1.0, 0.5], noise, 12, known, noise)
        self.assertEqual((x0.device.type, states.device.type), ("meta", "meta"))


class StillsBatchTest(unittest.TestCase):
    def test_each_clip_gives_its_chosen_frame_with_that_frame_s_block_prompt(self):
        from train_teacher import one_frame_each

        # Clip c, frame f holds the value 100 c + f; block b's prompt is the token 10 c + b.
        x0 = (100 * torch.arange(3)[:, None] + torch.arange(16)[None, :]).float()[:, :, None, None, None].expand(3, 16, 2, 4, 4)
        tok = (10 * torch.arange(3)[:, None] + torch.arange(4)[None, :])[:, :, None].expand(3, 4, 5)
        x, t = one_frame_each(x0, tok, np.array([0, 7, 15]), 4)
        self.assertEqual(tuple(x.shape), (3, 1, 2, 4, 4))
        self.assertEqual(tuple(t.shape), (3, 1, 5))
        self.assertEqual(x[:, 0, 0, 0, 0].tolist(), [0.0, 107.0, 215.0])
        self.assertEqual(t[:, 0, 0].tolist(), [0, 11, 23])


class PositionEmbeddingTest(unittest.TestCase):
    def test_sincos_golden(self):
        from causvid.model import sincos_2d

        e = sincos_2d(3, 8)  # two frequencies per axis: 1 and 0.1 radians per token
        self.assertEqual(e.shape, (9, 8))
        # token 5 is row 1, column 2: [sin(1), sin(0.1), cos(1), cos(0.1)] then the same at 2
        expected = [math.sin(1), math.sin(0.1), math.cos(1), math.cos(0.1), math.sin(2), math.sin(0.2), math.cos(2), math.cos(0.2)]
        torch.testing.assert_close(e[5], torch.tensor(expected))
        torch.testing.assert_close(e[0], torch.tensor([0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0]))

    def test_a_new_network_starts_with_neighbours_alike(self):
        cfg = ModelConfig(latent_size=32, latent_channels=4, dim=64, layers=1, heads=2)
        pos = VideoDiT(cfg).spatial_pos.detach()  # an 8 x 8 grid of tokens
        similarity = (pos @ pos[27]).reshape(8, 8)  # token (3, 3)
        self.assertEqual(similarity.argmax().item(), 27)
        self.assertGreater(similarity[3, 4], similarity[3, 6])
        self.assertGreater(similarity[2, 3], similarity[0, 3])


if __name__ == "__main__":
    unittest.main()
