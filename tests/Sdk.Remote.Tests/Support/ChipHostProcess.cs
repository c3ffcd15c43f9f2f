using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Sdk.Remote.Tests.Support;

/// <summary>
/// An <c>sdk-chip serve</c> child process on 127.0.0.1, started from the host project's build output. It is told to
/// stop when its standard input closes, so a test process that dies takes its hosts along. Every wait has a deadline.
/// </summary>
internal sealed class ChipHostProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<string> _arguments;
    private readonly StringBuilder _errors = new();
    private Process? _process;

    private ChipHostProcess(List<string> arguments)
    {
        _arguments = arguments;
    }

    /// <summary>The address it listens on (https://127.0.0.1:PORT), kept across restarts.</summary>
    public string Address { get; private set; } = string.Empty;

    public int ProcessId => _process?.Id ?? -1;

    /// <summary>The line saying what it serves.</summary>
    public string Banner { get; private set; } = string.Empty;

    /// <summary>What the host wrote to standard error (its refusals), so far.</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>Starts a host with these <c>serve</c> arguments (without --address: it gets a free port).</summary>
    public static ChipHostProcess Start(IEnumerable<string> arguments, bool insecure = false)
    {
        var host = new ChipHostProcess(arguments.Concat(insecure ? ["--insecure"] : Array.Empty<string>()).ToList());
        host.Launch(insecure ? "http://127.0.0.1:0" : "https://127.0.0.1:0");
        return host;
    }

    /// <summary>Runs <c>sdk-chip</c> with <paramref name="arguments"/> to its end: exit code and standard error.</summary>
    public static (int ExitCode, string Errors) RunToEnd(params string[] arguments)
    {
        using var process = Process.Start(StartInfo(arguments))!;
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(StartTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sdk-chip {string.Join(' ', arguments)} did not end within {StartTimeout}.");
        }

        return (process.ExitCode, errors.Result);
    }

    /// <summary>Kills the process (as a crash would: no shutdown) and waits until it is gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(StartTimeout);
        }
    }

    /// <summary>Restarts it if it is not running (a test before killed it).</summary>
    public void EnsureRunning()
    {
        if (_process is not { HasExited: false })
        {
            Restart();
        }
    }

    /// <summary>Starts it again on the same address, as an operator restarting a crashed host would.</summary>
    public void Restart()
    {
        Kill();
        _process?.Dispose();
        Launch(Address);
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostAssembly());
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>sdk-chip.dll in the host project's output of the configuration these tests were built in.</summary>
    private static string HostAssembly()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // tests/Sdk.Remote.Tests/bin/<Configuration>/<tfm>
        var framework = here.Name;
        var configuration = here.Parent!.Name;
        var root = here.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "src", "Sdk.Chip.Host", "bin", configuration, framework, "sdk-chip.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The chip host is not built: {path} is missing (build src/Sdk.Chip.Host).", path);
    }

    private void Launch(string address)
    {
        var process = Process.Start(StartInfo(new[] { "serve", "--address", address, "--watch-stdin" }.Concat(_arguments)))!;
        _process = process;
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } serving && serving.StartsWith("sdk-chip: serving ", StringComparison.Ordinal))
            {
                Banner = serving;
            }

            if (e.Data is { } line && line.StartsWith("sdk-chip: listening on ", StringComparison.Ordinal))
            {
                listening.TrySetResult(line["sdk-chip: listening on ".Length..]);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (_errors)
            {
                _errors.AppendLine(e.Data);
            }
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"sdk-chip exited with {process.ExitCode}: {Errors}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!listening.Task.Wait(StartTimeout))
        {
            Kill();
            throw new TimeoutException($"sdk-chip did not start listening within {StartTimeout}: {Errors}");
        }

        Address = listening.Task.Result.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);
    }
}
