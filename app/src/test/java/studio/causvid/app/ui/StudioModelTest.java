package studio.causvid.app.ui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import studio.causvid.app.project.PromptCue;

class StudioModelTest {
  @Test
  void unsavedWorkIsAnEditOrARunningGenerationOfSomething() {
    StudioModel model = new StudioModel();
    assertFalse(model.hasUnsavedWork(), "a new, empty project");
    model.generating.set(true);
    assertFalse(model.hasUnsavedWork(), "nothing made yet");
    model.replace(model.doc().withCues(List.of(new PromptCue(0, "a red cat"))));
    assertTrue(model.hasUnsavedWork(), "a generation under way, not yet an edit");
    model.generating.set(false);
    assertFalse(model.hasUnsavedWork(), "replaced without an edit: saved as it was");
    model.edit("Edit prompt", d -> d.withCues(List.of(new PromptCue(0, "a blue dog"))));
    assertTrue(model.hasUnsavedWork());
    model.dirty.set(false); // as a save leaves it
    assertFalse(model.hasUnsavedWork());
  }
}
