using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Google.Protobuf;
using Grpc.Core;
using Sdk.Remote.Tests.Support;
using Sdk.Runtime;
using Sdk.Runtime.Backends.Cpu;
using Sdk.Runtime.Remote;
using Sdk.Runtime.Remote.Protocol;

namespace Sdk.Remote.Tests;

/// <summary>
/// Security by default: each wrong caller, plan or message is refused with a named error, and the host goes on serving
/// the right callers afterwards.
/// </summary>
[Collection(RemoteCollection.Name)]
public sealed class RejectionTests(Deployment deployment)
{
    [Fact]
    public void CallerWithoutClientCertificateIsUnauthenticated()
    {
        using var raw = new RawCaller(deployment.HostA.Address, deployment.Certificates.HostCa, clientCertificate: null);
        var error = Assert.Throws<RpcException>(() => raw.Client.Describe(new DescribeRequest(), deadline: RawCaller.Deadline));
        AssertNamed(error, StatusCode.Unauthenticated, "Unauthenticated", "presented no client certificate");

        // A session is refused the same way, before its hello is read.
        using var session = raw.Client.Session(deadline: RawCaller.Deadline);
        var refused = Assert.ThrowsAny<RpcException>(() => session.ResponseStream.MoveNext().GetAwaiter().GetResult());
        AssertNamed(refused, StatusCode.Unauthenticated, "Unauthenticated", "presented no client certificate");
        AssertStillServing();
    }

    [Fact]
    public void CallerWithACertificateOfAnotherCaIsUnauthenticated()
    {
        var options = deployment.Certificates.Caller with { ClientCertificate = deployment.Certificates.RogueClient };
        var error = Assert.Throws<RemoteChipException>(() => RemoteChip.Connect(deployment.HostA.Address, options));
        Assert.Equal(RemoteError.Unauthenticated, error.Error);
        Assert.Contains($"host {deployment.HostA.Address}", error.Message);
        Assert.Contains("'CN=sdk test caller' is not a client certificate of this host's client CA 'CN=sdk test client CA'", error.Message);
        Assert.Contains("is not a client certificate", deployment.HostA.Errors); // the host logs the refusal
        AssertStillServing();
    }

    [Fact]
    public void HostWithACertificateOfAnotherCaIsNotTrusted()
    {
        var options = deployment.Certificates.Caller with { HostCa = deployment.Certificates.RogueCa };
        var error = Assert.Throws<RemoteChipException>(() => RemoteChip.Connect(deployment.HostA.Address, options));
        Assert.Equal(RemoteError.HostNotTrusted, error.Error);
        Assert.Contains(deployment.HostA.Address, error.Message);
    }

    [Fact]
    public void PlainHttpNeedsInsecureAndLoopback()
    {
        var error = Assert.Throws<ArgumentException>(() => RemoteChip.Connect("http://127.0.0.1:1", deployment.Certificates.Caller));
        Assert.Contains("plain HTTP", error.Message);
        error = Assert.Throws<ArgumentException>(() => RemoteChip.Connect("http://10.0.0.1:1", new RemoteChipOptions { Insecure = true }));
        Assert.Contains("except a loopback host", error.Message);
        error = Assert.Throws<ArgumentException>(() => RemoteChip.Connect("https://127.0.0.1:1", new RemoteChipOptions()));
        Assert.Contains("needs RemoteChipOptions.ClientCertificate", error.Message);
    }

    [Fact]
    public void ACallerOfAnotherPlanIsRefusedWhenTheModelIsCreated()
    {
        // Conv2 with ReLU6 instead of ReLU: every shape and count is the same, so the plan fingerprint (integers only)
        // is too; the spec's hash tells them apart.
        var spec = RemoteNet.Plan.Spec;
        var conv2 = spec.Layers.IndexOf(spec.Layers.First(l => l.Name == "Conv2"));
        var variant = NetworkPlan.Compile(spec with
        {
            Layers = spec.Layers.SetItem(conv2, spec.Layers[conv2] with { Arguments = spec.Layers[conv2].Arguments with { Activation = Activation.Relu6 } }),
        });
        Assert.Equal(PlanFingerprint.Of(RemoteNet.Plan), PlanFingerprint.Of(variant));

        using var chips = deployment.Chips();
        var error = Assert.Throws<RemoteChipException>(() => Model.Create(variant, Deployment.Weights().Parameters, chips));
        Assert.Equal((RemoteError.PlanMismatch, 1, deployment.HostA.Address), (error.Error, error.Chip, error.Host));
        Assert.Contains("this host serves 'RemoteNet'", error.Message);
        AssertStillServing();
    }

    [Fact]
    public void WeightsOtherThanTheHostLoadedAreRefused()
    {
        var other = Deployment.Weights();
        other.Parameters["Conv3.weight"][5] += 1e-3f; // chip 2's weights, which host B loaded from its file
        using var chips = deployment.Chips();
        var error = Assert.Throws<RemoteChipException>(() => Model.Create(other, chips));
        Assert.Equal((RemoteError.WeightsMismatch, 2, deployment.HostB.Address), (error.Error, error.Chip, error.Host));
        AssertStillServing();
    }

    [Fact]
    public void AChipTheHostDoesNotServeIsRefused()
    {
        var options = deployment.Certificates.Caller;
        using var chips = ChipSet.Of(new CpuChip(), RemoteChip.Connect(deployment.HostB.Address, options), RemoteChip.Connect(deployment.HostB.Address, options), RemoteChip.Connect(deployment.HostB.Address, options));
        var error = Assert.Throws<RemoteChipException>(() => Model.Create(Deployment.Weights(), chips));
        Assert.Equal((RemoteError.ChipNotServed, 1), (error.Error, error.Chip));
        Assert.Contains("this host serves chip(s) 2, 3", error.Message);
    }

    [Fact]
    public void AnOversizedMessageIsRefusedByTheHost()
    {
        using var raw = new RawCaller(deployment.HostA.Address, deployment.Certificates.HostCa, deployment.Certificates.Client);
        using var session = raw.Invoker.AsyncDuplexStreamingCall(RawCaller.RawSession, null, new CallOptions(deadline: RawCaller.Deadline));
        var huge = new Request();
        huge.Ops.Add(new Op { Input = ByteString.CopyFrom(new byte[(Deployment.MaxMessageMib << 20) + 1]) });
        var error = Assert.ThrowsAny<RpcException>(() =>
        {
            session.RequestStream.WriteAsync(huge.ToByteArray()).GetAwaiter().GetResult();
            session.ResponseStream.MoveNext().GetAwaiter().GetResult();
        });
        AssertNamed(error, StatusCode.ResourceExhausted, "MessageTooLarge", "exceeds the maximum");
        AssertStillServing();
    }

    [Fact]
    public void AnOversizedTransferIsRefusedBeforeItIsSent()
    {
        // Cut 0 of 1100 samples is 1100 x 2048 bytes, more than host A's 2 MiB.
        using var chips = deployment.Chips();
        using var model = Model.Create(Deployment.Weights(), chips);
        var error = Assert.Throws<RemoteChipException>(() => model.Run(RemoteExecutionTests.Input(1100), 1100));
        Assert.Equal((RemoteError.MessageTooLarge, 1), (error.Error, error.Chip));
        Assert.Contains("cut 0 takes", error.Message);
        Assert.Contains("use smaller batches or micro-batches", error.Message);

        // The same model runs the batch in micro-batches.
        var output = model.RunPipelined(RemoteExecutionTests.Input(1100), 1100, new PipelineOptions { MicroBatch = 100 });
        Assert.Equal(1100 * 10, output.Length);
    }

    [Fact]
    public void BytesThatAreNotTheProtocolAreMalformed()
    {
        using var raw = new RawCaller(deployment.HostA.Address, deployment.Certificates.HostCa, deployment.Certificates.Client);
        using var session = raw.Invoker.AsyncDuplexStreamingCall(RawCaller.RawSession, null, new CallOptions(deadline: RawCaller.Deadline));
        var error = Assert.ThrowsAny<RpcException>(() =>
        {
            session.RequestStream.WriteAsync(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2 }).GetAwaiter().GetResult();
            session.ResponseStream.MoveNext().GetAwaiter().GetResult();
        });
        AssertNamed(error, StatusCode.InvalidArgument, "MalformedMessage", "not the protocol");
        AssertStillServing();
    }

    [Theory]
    [InlineData("no hello")]
    [InlineData("a layer of another chip")]
    [InlineData("a cut of the wrong length")]
    [InlineData("a cut this chip does not receive")]
    [InlineData("a tensor of another chip")]
    public async Task OperationsOutsideThisChipsShareAreMalformed(string what)
    {
        using var raw = new RawCaller(deployment.HostA.Address, deployment.Certificates.HostCa, deployment.Certificates.Client);
        using var session = raw.Client.Session(deadline: RawCaller.Deadline);
        var plan = RemoteNet.Plan;
        if (what != "no hello")
        {
            var hello = new Request();
            hello.Ops.Add(new Op { Hello = new Hello { Protocol = 1, Network = plan.Name, SpecSha256 = PlanFile.SpecSha256(plan.Spec), PlanFingerprint = PlanFingerprint.Of(plan), Chip = 1, Training = true } });
            await session.RequestStream.WriteAsync(hello);
            Assert.True(await session.ResponseStream.MoveNext());
            Assert.Equal(Reply.KindOneofCase.Welcome, session.ResponseStream.Current.KindCase);
        }

        var request = new Request();
        request.Ops.Add(new Op { Prepare = 2 });
        request.Ops.Add(what switch
        {
            "no hello" => new Op { Compute = 2 },
            "a layer of another chip" => new Op { Forward = new Forward { Layer = plan.Layer("Conv1").Index } },
            "a cut of the wrong length" => new Op { Unpack = new CutData { Cut = 0, Wire = ByteString.CopyFrom(new byte[(2 * 2048) - 1]) } },
            "a cut this chip does not receive" => new Op { Unpack = new CutData { Cut = 2, Wire = ByteString.CopyFrom(new byte[2 * 1024]) } },
            _ => new Op { Parameter = new TensorChunk { Name = "Conv3.weight", Values = ByteString.CopyFrom(new byte[16]) } },
        });
        request.Ops.Add(new Op { Sync = true });
        var error = await Assert.ThrowsAnyAsync<RpcException>(async () =>
        {
            await session.RequestStream.WriteAsync(request);
            while (await session.ResponseStream.MoveNext())
            {
            }
        });
        var detail = what switch
        {
            "no hello" => "a session starts with a hello",
            "a layer of another chip" => "layer 0 is not a layer of chip 1",
            "a cut of the wrong length" => "4095",
            "a cut this chip does not receive" => "chip 1 does not receive cut 2",
            _ => "'Conv3.weight' is not a parameter tensor of chip 1",
        };
        AssertNamed(error, StatusCode.InvalidArgument, "MalformedMessage", detail);
        AssertStillServing();
    }

    [Fact]
    public async Task TheHostRefusesCommandLinesThatAreNotSafe()
    {
        // Started together (each is a process start); each ends at once with its reason.
        var plan = deployment.PlanPath;
        var runs = new (string[] Arguments, int Code, string Reason)[]
        {
            (["--plan", plan, "--chips", "1", "--address", "http://0.0.0.0:0", "--insecure"], 2, "--insecure serves plain HTTP on a loopback address only"),
            (["--plan", plan, "--chips", "1", "--address", "http://127.0.0.1:0"], 2, "a chip host serves TLS (https://); plain HTTP needs --insecure"),
            (["--plan", plan, "--chips", "1", "--address", "https://127.0.0.1:0"], 2, "needs --cert and --key"),
        }.Select(r => Task.Run(() => (Result: ChipHostProcess.RunToEnd(["serve", .. r.Arguments]), r.Code, r.Reason))).ToArray();
        foreach (var run in await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(120)))
        {
            Assert.Equal(run.Code, run.Result.ExitCode);
            Assert.Contains(run.Reason, run.Result.Errors);
        }
    }

    [Fact]
    public void AHostServesOnlyAPlanItsCompilerAgreesWithAndChipsItHas()
    {
        // What `sdk-chip serve` loads before it listens (it exits 1 with these messages).
        var tampered = Path.Combine(deployment.Directory, "tampered.plan.json");
        File.WriteAllText(tampered, File.ReadAllText(deployment.PlanPath).Replace("\"Size\": 16", "\"Size\": 24"));
        var error = Assert.Throws<InvalidDataException>(() => PlanFile.Load(tampered));
        Assert.Contains("network 'RemoteNet' compiles here to plan fingerprint", error.Message);
        Assert.Contains("the writer and this host run different compiler versions", error.Message);

        var plan = PlanFile.Load(deployment.PlanPath);
        Assert.Equal(PlanFingerprint.Of(RemoteNet.Plan), PlanFingerprint.Of(plan));
        Assert.Equal(PlanFile.SpecSha256(RemoteNet.Plan.Spec), PlanFile.SpecSha256(plan.Spec));
        var chips = Assert.Throws<ArgumentOutOfRangeException>(() => new Sdk.Runtime.Remote.Hosting.HostedPlan(plan, [4], null, "here", 1 << 20));
        Assert.Contains("has chips 0 to 3; there is no chip 4", chips.Message);
    }

    [Fact]
    public void AnInsecureHostServesOnLoopback()
    {
        using var insecure = ChipHostProcess.Start(["--plan", deployment.PlanPath, "--chips", "1"], insecure: true);
        var input = RemoteExecutionTests.Input(3);
        var options = deployment.Certificates.Caller;
        using var chips = ChipSet.Of(
            new CpuChip(),
            RemoteChip.Connect(insecure.Address, new RemoteChipOptions { Insecure = true }),
            RemoteChip.Connect(deployment.HostB.Address, options),
            RemoteChip.Connect(deployment.HostB.Address, options));
        using var model = Model.Create(Deployment.Weights(), chips);
        Assert.Equal(
            RemoteExecutionTests.Bits(RemoteExecutionTests.InProcess(m => m.Run(input, 3))),
            RemoteExecutionTests.Bits(model.Run(input, 3)));
        Assert.Contains("WITHOUT TLS", insecure.Banner);
    }

    private static void AssertNamed(RpcException error, StatusCode code, string name, string detail)
    {
        Assert.Equal(code, error.StatusCode);
        Assert.Equal(name, error.Trailers.GetValue("sdk-error"));
        Assert.StartsWith(name + ": ", error.Status.Detail);
        Assert.Contains(detail, error.Status.Detail);
    }

    /// <summary>After a refusal both hosts still serve a right caller, with the right result.</summary>
    private void AssertStillServing()
    {
        var input = RemoteExecutionTests.Input(2);
        using var chips = deployment.Chips();
        using var model = Model.Create(Deployment.Weights(), chips);
        var run = Task.Run(() => model.Run(input, 2));
        Assert.True(run.Wait(TimeSpan.FromSeconds(60)), "the hosts did not answer within a minute");
        Assert.Equal(RemoteExecutionTests.Bits(RemoteExecutionTests.InProcess(m => m.Run(input, 2))), RemoteExecutionTests.Bits(run.Result));
    }
}
