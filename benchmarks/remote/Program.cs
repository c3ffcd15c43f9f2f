using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Google.Protobuf;
using Grpc.Core;
using ResNetTraffic;
using Sdk.Remote.Tests.Support;
using Sdk.Runtime;
using Sdk.Runtime.Remote;
using Sdk.Runtime.Remote.Protocol;
using Sdk.Runtime.Weights;

// ResNet-18 (ResNet18FourChips) pipelined over 4 chip host processes (one chip each, TLS with client certificates),
// against the same plan on 4 CPU chips in this process; then each session link's throughput against raw gRPC echo of the
// same message sizes on the same host. Prints Markdown. Arguments: --batch N (32) --micro N (4) --runs N (3).
var options = Arguments(args);
int batch = options.GetValueOrDefault("--batch", 32), micro = options.GetValueOrDefault("--micro", 4), runs = options.GetValueOrDefault("--runs", 3);
var culture = CultureInfo.InvariantCulture;
var directory = Directory.CreateTempSubdirectory("sdk-remote-bench-").FullName;
var hosts = new List<ChipHostProcess>();
try
{
    var certificates = new TestCertificates(directory);
    var network = new ResNet18FourChips();
    var planPath = Path.Combine(directory, "resnet18.plan.json");
    var weightsPath = Path.Combine(directory, "resnet18.safetensors");
    PlanFile.Save(ResNet18FourChips.Plan, planPath);
    network.Parameters.Save(weightsPath);
    var random = new Random(1);
    var input = Enumerable.Range(0, batch * 3 * 32 * 32).Select(_ => random.NextSingle()).ToArray();
    var pipeline = new PipelineOptions { MicroBatch = micro, MaxInFlight = 2 };

    // In process: the same plan on 4 CPU chips.
    double[] local;
    float[] expected;
    using (var chips = ChipSet.Cpu(4))
    using (var model = Model.Create(network, chips))
    {
        expected = model.RunPipelined(input, batch, pipeline);
        local = Enumerable.Range(0, runs).Select(_ => Time(() => model.RunPipelined(input, batch, pipeline))).ToArray();
    }

    // Over 4 host processes, each loading the weights from the safetensors file.
    var started = Enumerable.Range(0, 4).Select(c => Task.Run(() => ChipHostProcess.Start(
    [
        "--plan", planPath, "--chips", c.ToString(culture), "--weights", weightsPath,
        "--cert", certificates.HostCertificateFile, "--key", certificates.HostKeyFile, "--client-ca", certificates.ClientCaFile,
    ]))).ToArray();
    hosts.AddRange(await Task.WhenAll(started));
    var caller = certificates.Caller with { CallTimeout = TimeSpan.FromMinutes(5) };
    using var remoteChips = ChipSet.Of(hosts.Select(h => (Sdk.Runtime.Backends.ChipDevice)RemoteChip.Connect(h.Address, caller)).ToArray());
    using var remote = Model.Create(network, remoteChips);
    var actual = remote.RunPipelined(input, batch, pipeline);
    var equal = expected.AsSpan().SequenceEqual(actual);
    remote.Ledger.Reset();
    foreach (var chip in remoteChips.Chips.Cast<RemoteChip>())
    {
        chip.Stats.Reset();
    }

    var distributed = Enumerable.Range(0, runs).Select(_ => Time(() => remote.RunPipelined(input, batch, pipeline))).ToArray();

    Console.WriteLine($"# ResNet-18 (ResNet18FourChips) pipelined: batch {batch}, micro-batches of {micro}, {runs} timed runs after one warm-up\n");
    Console.WriteLine("| where | median s | samples/s | outputs equal |");
    Console.WriteLine("|---|---:|---:|---|");
    Console.WriteLine(string.Create(culture, $"| 4 CPU chips in one process | {Median(local):0.###} | {batch / Median(local):0.#} | reference |"));
    Console.WriteLine(string.Create(culture, $"| 4 chip hosts (TLS, one chip each) | {Median(distributed):0.###} | {batch / Median(distributed):0.#} | {(equal ? "bit for bit" : "NO")} |"));
    Console.WriteLine();
    Console.WriteLine(remote.Ledger.ToMarkdown());
    Console.WriteLine($"Ledger equals the plan: {remote.Ledger.MatchesPlan}\n");
    Console.WriteLine(RemoteReport.ToMarkdown(remote.Ledger, remoteChips));

    // Each session link against raw gRPC: the same host, the same TLS settings, echo round trips of the message size
    // the session's cuts carry (one micro-batch of the cut), one in flight as in a session.
    Console.WriteLine("## Session links against raw gRPC echo of the same message sizes\n");
    Console.WriteLine("| chip | cut message B | session payload MB/s (link time) | raw echo MB/s | session / raw |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    foreach (var (chip, c) in remoteChips.Chips.Cast<RemoteChip>().Select((chip, c) => (chip, c)))
    {
        var cuts = ResNet18FourChips.Plan.Cuts.Where(k => k.FromChip == c || k.ToChip == c).ToArray();
        var size = (int)cuts.Max(k => k.ForwardBytes(micro));
        var s = chip.Stats;
        var session = (s.PayloadBytesSent + s.PayloadBytesReceived) / s.LinkTime.TotalSeconds / 1e6;
        var raw = Echo(chip, size, count: Math.Max(20, (int)(s.RoundTrips / runs)));
        Console.WriteLine(string.Create(culture, $"| {c} | {size} | {session:0.#} | {raw:0.#} | {session / raw:0.00} |"));
    }
}
finally
{
    foreach (var host in hosts)
    {
        host.Dispose();
    }

    Directory.Delete(directory, recursive: true);
}

static double Time(Action action)
{
    var watch = Stopwatch.StartNew();
    action();
    return watch.Elapsed.TotalSeconds;
}

static double Median(double[] values) => values.Order().ElementAt(values.Length / 2);

// Raw gRPC: `count` messages of `size` bytes each echoed back by the host, one at a time; MB/s of both directions.
static double Echo(RemoteChip chip, int size, int count)
{
    using var call = chip.Client.Echo();
    var blob = new Blob { Data = ByteString.CopyFrom(new byte[size]) };
    void RoundTrip()
    {
        call.RequestStream.WriteAsync(blob).GetAwaiter().GetResult();
        if (!call.ResponseStream.MoveNext().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("The echo ended early.");
        }
    }

    RoundTrip(); // warm-up
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
    {
        RoundTrip();
    }

    var seconds = watch.Elapsed.TotalSeconds;
    call.RequestStream.CompleteAsync().GetAwaiter().GetResult();
    return 2.0 * size * count / seconds / 1e6;
}

static Dictionary<string, int> Arguments(string[] args)
{
    var values = new Dictionary<string, int>();
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        values[args[i]] = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    }

    return values;
}
