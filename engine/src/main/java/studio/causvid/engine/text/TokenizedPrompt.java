package studio.causvid.engine.text;

import java.util.List;

/**
 * A prompt as the text encoder sees it.
 *
 * @param text the prompt as typed
 * @param ids token ids, BOS first, padded to {@code max_tokens}
 * @param mask 1 for real tokens (BOS included), 0 for padding
 * @param unknownWords words not in the vocabulary, in prompt order (mapped to {@code unk_id})
 * @param droppedWords the prompt's words past {@code max_tokens}, in prompt order: the text encoder
 *     never sees them, so a long prompt's last clause (often its camera) says nothing
 */
public record TokenizedPrompt(
    String text, long[] ids, float[] mask, List<String> unknownWords, List<String> droppedWords) {}
