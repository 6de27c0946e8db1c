@echo off
rem The command lines of an installed GroundLabel, run by the machine's own Node.js (20.19 or newer).
where node >nul 2>nul || (echo groundlabel-cli needs Node.js 20.19 or newer on the PATH ^(https://nodejs.org^). 1>&2 & exit /b 127)
node "%~dp0..\app.asar.unpacked\out\cli\groundlabel.mjs" %*
