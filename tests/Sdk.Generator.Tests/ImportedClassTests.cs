using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Sdk.Generator.Tests.Infrastructure;
using Sdk.Onnx.Cli;
using Sdk.Runtime;
using Sdk.Runtime.Onnx;
using Sdk.Runtime.Weights;

namespace Sdk.Generator.Tests;

/// <summary>
/// <c>sdk-onnx import</c> writes a class the generator compiles, without a warning, to the plan the importer ran, and
/// weights that load into it: so the class computes what the import computes, which the runtime tests compare with ONNX
/// Runtime (OnnxImporterTests). The models are the PyTorch exports of tests/Sdk.Runtime.Tests/Data/onnx.
/// </summary>
public class ImportedClassTests
{
    private static readonly string Models = Path.Combine(RepoRoot.Path, "tests", "Sdk.Runtime.Tests", "Data", "onnx");

    public static TheoryData<string, string> Cases() => new()
    {
        { "residual", "--chips 2" },
        { "cnn_bn_relu6", "--chips 3 --placement auto --gflops 10 --link-gbps 0.5" },
        { "branches_opset10", "--split-at BatchNorm1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_written_class_compiles_to_the_imported_plan_and_its_weights_load(string model, string placement)
    {
        var folder = Directory.CreateTempSubdirectory("sdk-onnx-test-").FullName;
        try
        {
            var path = Path.Combine(Models, model + ".onnx");
            var (code, stdout, stderr) = Run($"import {path} --class Imported --namespace My.Nets --out {folder} {placement}".Split(' '));
            Assert.True(code == 0, stderr);
            Assert.Contains("wrote ", stdout);
            Assert.Equal(["Imported.cs", "Imported.safetensors"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());

            var run = GeneratorHarness.Generate(File.ReadAllText(Path.Combine(folder, "Imported.cs")));
            Assert.Empty(run.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
            var plan = run.LoadPlan("My.Nets.Imported");
            var imported = OnnxImporter.Import(path, new OnnxImportOptions { Name = "Imported", Chips = Chips(placement) });
            Assert.Equal(imported.Plan.Spec, plan.Spec);
            Assert.Equal(PlanFingerprint.Of(imported.Plan), PlanFingerprint.Of(plan));

            var weights = new ParameterSet(plan);
            weights.Load(Path.Combine(folder, "Imported.safetensors"));
            Assert.All(plan.Layers.SelectMany(l => l.Parameters), p => Assert.Equal(imported.Parameters[p.Name], weights[p.Name]));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_model_that_does_not_import_writes_nothing_and_names_the_node()
    {
        var folder = Directory.CreateTempSubdirectory("sdk-onnx-test-").FullName;
        try
        {
            var model = Path.Combine(folder, "bad.onnx");
            new OnnxModelBuilder("bad").AddInput("x", OnnxDim.Batch, 4).AddNode(new OnnxNode("Elu", ["x"], ["y"], name: "elu")).AddOutput("y", OnnxDim.Batch, 4).Save(model);

            var (code, _, stderr) = Run(["import", model, "--class", "Bad", "--out", folder]);

            Assert.Equal(1, code);
            Assert.Contains("node 'elu' (Elu): this operator has no SDK layer", stderr);
            Assert.Equal(["bad.onnx"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("import", "expected: import <model.onnx>")]
    [InlineData("import m.onnx", "--class NAME is required")]
    [InlineData("import m.onnx --class X --chips 0", "--chips takes a number from 1 to 4096, not '0'")]
    [InlineData("import m.onnx --class X --placement best", "--placement is even or auto, not 'best'")]
    [InlineData("import m.onnx --class X --frobnicate", "unknown option '--frobnicate'")]
    [InlineData("import m.onnx --class X --chips 3 --split-at A", "--split-at names the first layer of each chip after chip 0: 2 chips, not --chips 3")]
    public void Bad_command_lines_exit_2_with_the_reason_and_the_usage(string arguments, string reason)
    {
        var (code, _, stderr) = Run(arguments.Split(' '));
        Assert.Equal(2, code);
        Assert.Contains(reason, stderr);
        Assert.Contains("usage: sdk-onnx import", stderr);
    }

    [Fact]
    public void Auto_placement_needs_the_chips_speed()
    {
        var (code, _, stderr) = Run(["import", Path.Combine(Models, "residual.onnx"), "--class", "X", "--chips", "2", "--placement", "auto", "--out", Path.GetTempPath()]);
        Assert.Equal(2, code);
        Assert.Contains("--placement auto needs each chip's speed: --gflops G.", stderr);
    }

    private static OnnxChips Chips(string placement) => placement switch
    {
        "--chips 2" => OnnxChips.Even(2),
        "--split-at BatchNorm1" => OnnxChips.Manual(["BatchNorm1"]),
        _ => OnnxChips.Auto(3, gflops: 10, linkGigabytesPerSecond: 0.5),
    };

    private static (int Code, string Stdout, string Stderr) Run(string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = OnnxCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
