using System;
using System.Diagnostics;
using System.IO;

namespace Sdk.Generator.Tests;

/// <summary>
/// The generator inside a real <c>dotnet build</c> (the SDK's own compiler, not the test's Roslyn): a shape
/// mismatch fails the build with an SDK error on the attribute's line.
/// </summary>
public class BuildTests
{
    private const string Network = """
        using Sdk;

        [Network(InputShape = new[] { 1, 28, 28 })]
        public partial class Mismatched
        {
            [Dense(16)] public partial Layer Features { get; }

            [Conv2D(8, Kernel = 3)]
            public partial Layer Conv { get; }
        }
        """;

    [Fact]
    public void ShapeMismatchFailsTheBuildAtTheAttributeLine()
    {
        var folder = Directory.CreateTempSubdirectory("sdk-build-test-").FullName;
        try
        {
            var bin = AppContext.BaseDirectory;
            File.WriteAllText(Path.Combine(folder, "Mismatched.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <Reference Include="{bin}Sdk.Attributes.dll" />
                    <Reference Include="{bin}Sdk.Compiler.dll" />
                    <Reference Include="{bin}Sdk.Runtime.dll" />
                    <!-- The generator and what it loads beside it: the compiler core, the attributes' enums, the placement solvers. -->
                    <Analyzer Include="{bin}Sdk.Generator.dll" />
                    <Analyzer Include="{bin}Sdk.Compiler.dll" />
                    <Analyzer Include="{bin}Sdk.Attributes.dll" />
                    <Analyzer Include="{bin}Sdk.Placement.dll" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(folder, "Mismatched.cs"), Network);

            var (exitCode, output) = Run("dotnet", $"build \"{folder}\" -nodeReuse:false --disable-build-servers -clp:NoSummary", folder);

            Assert.NotEqual(0, exitCode);

            // Line 8 holds [Conv2D(8, Kernel = 3)]; column 6 is where the attribute starts.
            Assert.Contains("Mismatched.cs(8,6): error SDK0009: Layer 'Conv' (Conv2D) needs a [C, H, W] input, but its input 'Features' has shape [16]", output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (int ExitCode, string Output) Run(string file, string arguments, string folder)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("dotnet build did not finish within 5 minutes:\n" + stdout);
        }

        return (process.ExitCode, stdout + stderr.Result);
    }
}
