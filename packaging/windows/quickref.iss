; Inno Setup script for QuickRef on Windows (documented; not built in CI).
;
; On a Windows build machine, from the repository root:
;   .venv\Scripts\python packaging\build.py          (builds dist\quickref\ with
;                                                      quickref.exe and quickref-cli.exe)
;   iscc /DAppVersion=0.1.0 packaging\windows\quickref.iss
; gives dist\quickref-0.1.0-windows-x64-setup.exe. It installs the onedir bundle to
; Program Files, makes Start-menu (and optional desktop) shortcuts to the windowed
; quickref.exe, and registers an uninstaller. Per-user data stays in %LOCALAPPDATA%\QuickRef
; and is left alone on uninstall.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6B1D3C1E-5A0B-4F3A-9B61-2D2F6C8A7E11}
AppName=QuickRef
AppVersion={#AppVersion}
AppPublisher=QuickRef
DefaultDirName={autopf}\QuickRef
DefaultGroupName=QuickRef
DisableProgramGroupPage=yes
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=quickref-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\quickref.ico
UninstallDisplayIcon={app}\quickref.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\..\dist\quickref\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\QuickRef"; Filename: "{app}\quickref.exe"; Comment: "Coding quick reference for clinic injections"
Name: "{autodesktop}\QuickRef"; Filename: "{app}\quickref.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\quickref.exe"; Description: "{cm:LaunchProgram,QuickRef}"; Flags: nowait postinstall skipifsilent
