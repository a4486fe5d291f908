package studio.causvid.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@code --model} and its default lead, installed and in a checkout. */
class ModelLocatorTest {
  @TempDir Path tmp;

  private Path dir(String path) throws Exception {
    return Files.createDirectories(tmp.resolve(path));
  }

  private ModelLocator locator(Map<String, String> env, boolean installed) {
    return new ModelLocator(
        env,
        installed ? Optional.of(tmp.resolve("app/models")) : Optional.empty(),
        tmp.resolve("cwd"),
        tmp.resolve("user/models"));
  }

  @Test
  void installedPackIsTheDefault() throws Exception {
    Path pack = dir("app/models/default");
    dir("cwd/models/default");
    assertEquals(pack, locator(Map.of(), true).resolve(null));
  }

  @Test
  void environmentWinsOverTheInstalledPack() throws Exception {
    dir("app/models/default");
    Path mine = dir("mine");
    assertEquals(mine, locator(Map.of("CAUSVID_MODEL", mine.toString()), true).resolve(null));
  }

  @Test
  void checkoutThenUserFolderWhenNothingIsInstalled() throws Exception {
    Path user = dir("user/models/default");
    assertEquals(user, locator(Map.of(), false).resolve(null));
    Path checkout = dir("cwd/models/default");
    assertEquals(checkout, locator(Map.of(), false).resolve(null));
  }

  @Test
  void aNameFindsTheUsersPackBeforeTheInstalledOnes() throws Exception {
    dir("app/models/anime");
    Path user = dir("user/models/anime");
    assertEquals(user, locator(Map.of(), true).resolve(Path.of("anime")));
    Path installedOnly = dir("app/models/fast");
    assertEquals(installedOnly, locator(Map.of(), true).resolve(Path.of("fast")));
  }

  @Test
  void missingPackNamesEveryPlaceLookedAt() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> locator(Map.of(), true).resolve(null));
    assertTrue(e.getMessage().contains(tmp.resolve("app/models/default").toString()));
    assertTrue(e.getMessage().contains(tmp.resolve("user/models/default").toString()));
  }

  @Test
  void userFolderPerSystem() {
    assertEquals(
        Path.of("/h/.local/share/causvid-studio/models"),
        ModelLocator.userModels("Linux", Map.of(), "/h"));
    assertEquals(
        Path.of("/x/causvid-studio/models"),
        ModelLocator.userModels("Linux", Map.of("XDG_DATA_HOME", "/x"), "/h"));
    assertEquals(
        Path.of("/e/.local/share/causvid-studio/models"),
        ModelLocator.userModels("Linux", Map.of("HOME", "/e"), "/h"));
    assertEquals(
        Path.of("/h/Library/Application Support/CausVid Studio/models"),
        ModelLocator.userModels("Mac OS X", Map.of(), "/h"));
    assertEquals(
        Path.of("/roaming/CausVid Studio/models"),
        ModelLocator.userModels("Windows 11", Map.of("APPDATA", "/roaming"), "/h"));
  }
}
