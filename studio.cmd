@echo off
rem CausVid Studio launcher for Windows: builds what is missing, then runs the studio.
setlocal
set "ROOT=%~dp0"
rem Builds run in the checkout; the studio runs where it was called from (relative --out, --image).
pushd "%ROOT%"
set "PROFILE="
where nvidia-smi >nul 2>nul && nvidia-smi -L >nul 2>nul && set "PROFILE=-Pgpu"
if not exist "app\target\causvid-studio.jar" (
  echo Building CausVid Studio ^(first run^)... 1>&2
  call mvn -q -B -DskipTests -Djavacpp.platform=windows-x86_64 %PROFILE% package || exit /b 1
)
popd
if "%CAUSVID_MODEL%"=="" set "CAUSVID_MODEL=%ROOT%models\default"
java -Xms256m -XX:G1HeapRegionSize=4m -XX:TieredStopAtLevel=1 %STUDIO_JAVA_OPTS% -jar "%ROOT%app\target\causvid-studio.jar" %*
