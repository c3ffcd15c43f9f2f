using System;
using System.IO;
using System.Threading.Tasks;
using Sdk.Runtime;
using Sdk.Runtime.Backends.Cpu;
using Sdk.Runtime.Remote;
using Sdk.Runtime.Weights;

namespace Sdk.Remote.Tests.Support;

/// <summary>
/// Two chip hosts of <see cref="RemoteNet"/> on 127.0.0.1, shared by the tests of the <see cref="RemoteCollection"/>:
/// host A serves chip 1 and receives its weights from each caller (messages up to 2 MiB); host B serves chips 2 and 3
/// with weights it loaded from a safetensors file; host C serves chip 1 too, for the tests that kill it. Chip 0 runs in
/// the test process.
/// </summary>
public sealed class Deployment : IDisposable
{
    public const int MaxMessageMib = 2;

    public Deployment()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("sdk-remote-").FullName;
        Certificates = new TestCertificates(Directory);
        PlanPath = Path.Combine(Directory, "remote-net.plan.json");
        PlanFile.Save(RemoteNet.Plan, PlanPath);
        WeightsPath = Path.Combine(Directory, "remote-net.safetensors");
        Weights().Parameters.Save(WeightsPath);
        try
        {
            // Started together: most of a start is the runtime's own warm-up, which overlaps.
            var a = Task.Run(() => ChipHostProcess.Start(TlsArguments("1", "--max-message-mib", MaxMessageMib.ToString())));
            var b = Task.Run(() => ChipHostProcess.Start(TlsArguments("2,3", "--weights", WeightsPath)));
            var c = Task.Run(() => ChipHostProcess.Start(TlsArguments("1")));
            Task.WaitAll(a, b, c);
            (HostA, HostB, HostC) = (a.Result, b.Result, c.Result);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Directory { get; }

    internal TestCertificates Certificates { get; }

    public string PlanPath { get; }

    public string WeightsPath { get; }

    internal ChipHostProcess HostA { get; } = null!;

    internal ChipHostProcess HostB { get; } = null!;

    /// <summary>The host the fault tests kill, stop and restart.</summary>
    internal ChipHostProcess HostC { get; } = null!;

    /// <summary>The network with the deployment's weights (seeded, BatchNorm statistics away from their defaults).</summary>
    public static RemoteNet Weights()
    {
        var network = new RemoteNet();
        network.Parameters.Initialize(7);
        var random = new Random(11);
        foreach (var tensor in network.Parameters.Tensors)
        {
            if (tensor.Name.Contains("running", StringComparison.Ordinal) || tensor.Name.StartsWith("Bn", StringComparison.Ordinal))
            {
                var values = network.Parameters[tensor.Name];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = tensor.Name.EndsWith("running_var", StringComparison.Ordinal) ? 0.5f + random.NextSingle() : random.NextSingle() - 0.5f;
                }
            }
        }

        return network;
    }

    /// <summary>The arguments of a TLS host of this deployment's plan serving <paramref name="chips"/>, plus <paramref name="more"/>.</summary>
    internal string[] TlsArguments(string chips, params string[] more) =>
    [
        "--plan", PlanPath, "--chips", chips,
        "--cert", Certificates.HostCertificateFile, "--key", Certificates.HostKeyFile, "--client-ca", Certificates.ClientCaFile,
        .. more,
    ];

    /// <summary>Chip 0 here, chip 1 on <paramref name="chip1"/> (host A by default), chips 2 and 3 on host B.</summary>
    internal ChipSet Chips(ChipHostProcess? chip1 = null, RemoteChipOptions? options = null)
    {
        options ??= Certificates.Caller;
        var chips = new RemoteChip?[3];
        try
        {
            chips[0] = RemoteChip.Connect((chip1 ?? HostA).Address, options);
            chips[1] = RemoteChip.Connect(HostB.Address, options);
            chips[2] = RemoteChip.Connect(HostB.Address, options);
            return ChipSet.Of(new CpuChip(), chips[0]!, chips[1]!, chips[2]!);
        }
        catch
        {
            foreach (var chip in chips)
            {
                chip?.Dispose();
            }

            throw;
        }
    }

    public void Dispose()
    {
        HostA?.Dispose();
        HostB?.Dispose();
        HostC?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RemoteCollection : ICollectionFixture<Deployment>
{
    public const string Name = "chip hosts";
}
