using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Sdk.Generator.Tests.Infrastructure;

namespace Sdk.Generator.Tests.Fuzz;

/// <summary>
/// Mutates a network source: each mutation parses the current text, picks a node at random and edits the text
/// at its span (so the rest keeps its form, and broken code stays as broken as the mutation made it).
/// Attributes are dropped, duplicated, swapped and moved; arguments replaced by extreme, non-finite or
/// out-of-range values (of the right type, or now and then of another); layers, classes and namespaces renamed
/// to hostile names; classes nested, made static, generic, records, split over files; properties given
/// modifiers and bodies; members that collide with the generated ones added; layers replicated into huge
/// networks; tokens deleted or inserted.
/// </summary>
internal sealed class Mutator
{
    private readonly Random _r;
    private readonly List<string> _log = new();
    private readonly List<string> _files = new();
    private string _text;

    private Mutator(Random random, string source)
    {
        _r = random;
        _text = source;
    }

    private delegate string? Mutation(Mutator m, CompilationUnitSyntax root);

    /// <summary>Each mutation with its weight (how often it is picked).</summary>
    private static readonly (Mutation Apply, int Weight)[] Mutations =
    {
        ((m, root) => m.DropAttribute(root), 4),
        ((m, root) => m.DuplicateAttribute(root), 3),
        ((m, root) => m.SwapAttributes(root), 3),
        ((m, root) => m.ReplaceArgument(root), 10),
        ((m, root) => m.AddNamedArgument(root), 6),
        ((m, root) => m.RemoveArgument(root), 2),
        ((m, root) => m.AddAnnotation(root), 4),
        ((m, root) => m.RenameLayer(root), 4),
        ((m, root) => m.RenameClass(root), 3),
        ((m, root) => m.SetNamespace(root), 2),
        ((m, root) => m.Nest(root), 3),
        ((m, root) => m.ChangeClass(root), 3),
        ((m, root) => m.ChangeProperty(root), 4),
        ((m, root) => m.SplitPartial(root), 2),
        ((m, root) => m.DuplicateClass(root), 1),
        ((m, root) => m.AddCollidingMember(root), 3),
        ((m, root) => m.Replicate(root), 1),
        ((m, root) => m.SwapMembers(root), 2),
        ((m, root) => m.Junk(root), 2),
        ((m, root) => m.QualifyAttribute(root), 1),
        ((m, root) => m.DeleteMember(root), 1),
        ((m, root) => m.Preprocessor(root), 1),
    };

    /// <summary>Applies <paramref name="count"/> mutations; returns the sources (a split class adds a file) and what was done.</summary>
    public static (string[] Sources, string[] Log) Mutate(string source, Random random, int count)
    {
        var m = new Mutator(random, source);
        var total = Mutations.Sum(x => x.Weight);
        for (var i = 0; i < count; i++)
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var pick = random.Next(total);
                var mutation = Mutations.First(x => (pick -= x.Weight) < 0).Apply;
                var root = CSharpSyntaxTree.ParseText(m._text, GeneratorHarness.ParseOptions).GetCompilationUnitRoot();
                if (mutation(m, root) is { } next)
                {
                    m._text = next;
                    break;
                }
            }
        }

        return (new[] { m._text }.Concat(m._files).ToArray(), m._log.ToArray());
    }

    private string Log(string what, string result)
    {
        _log.Add(what);
        return result;
    }

    // ---- attributes ----

    private string? DropAttribute(CompilationUnitSyntax root)
    {
        var attribute = PickOrNull(root.DescendantNodes().OfType<AttributeSyntax>());
        return attribute is null ? null : Log($"drop [{attribute}]", RewriteList((AttributeListSyntax)attribute.Parent!, l => l.Where(a => a != attribute)));
    }

    private string? DuplicateAttribute(CompilationUnitSyntax root)
    {
        var attribute = PickOrNull(root.DescendantNodes().OfType<AttributeSyntax>());
        if (attribute is null)
        {
            return null;
        }

        var target = _r.Next(2) == 0 ? (AttributeListSyntax)attribute.Parent! : _r.Pick(root.DescendantNodes().OfType<AttributeListSyntax>().ToList());
        return Log($"duplicate [{attribute}] into {Owner(target)}", Insert(target.CloseBracketToken.SpanStart, (target.Attributes.Count > 0 ? ", " : string.Empty) + attribute));
    }

    private string? SwapAttributes(CompilationUnitSyntax root)
    {
        var attributes = root.DescendantNodes().OfType<AttributeSyntax>().ToList();
        if (attributes.Count < 2)
        {
            return null;
        }

        var a = _r.Pick(attributes);
        var b = _r.Pick(attributes);
        if (a == b)
        {
            return null;
        }

        return Log($"swap [{a}] and [{b}]", Edit((a.Span, b.ToString()), (b.Span, a.ToString())));
    }

    private string? ReplaceArgument(CompilationUnitSyntax root)
    {
        var argument = PickOrNull(root.DescendantNodes().OfType<AttributeArgumentSyntax>());
        if (argument is null)
        {
            return null;
        }

        var name = argument.NameEquals?.Name.Identifier.ValueText ?? argument.NameColon?.Name.Identifier.ValueText;
        var pool = _r.Next(10) == 0 ? _r.Pick(Hostile.All) : Hostile.For(name, argument.Expression.ToString());
        var value = pool == Hostile.Strings && _r.Next(3) == 0 ? NameofSomeLayer(root) : _r.Pick(pool);
        return Log($"{name ?? "argument"} = {Short(value)} in [{Short(argument.Parent!.Parent!.ToString())}]", Edit((argument.Expression.Span, value)));
    }

    private string? AddNamedArgument(CompilationUnitSyntax root)
    {
        var attribute = PickOrNull(root.DescendantNodes().OfType<AttributeSyntax>().Where(a => Hostile.NamedArguments.ContainsKey(ShortName(a))));
        if (attribute is null)
        {
            return null;
        }

        var name = _r.Pick(Hostile.NamedArguments[ShortName(attribute)]);
        var value = name == "Input" && _r.Next(2) == 0 ? NameofSomeLayer(root) : _r.Pick(Hostile.For(name, string.Empty));
        var text = $"{name} = {value}";
        var result = attribute.ArgumentList is { } list
            ? Insert(list.CloseParenToken.SpanStart, (list.Arguments.Count > 0 ? ", " : string.Empty) + text)
            : Insert(attribute.Span.End, $"({text})");
        return Log($"add {Short(text)} to [{Short(attribute.ToString())}]", result);
    }

    private string? RemoveArgument(CompilationUnitSyntax root)
    {
        var argument = PickOrNull(root.DescendantNodes().OfType<AttributeArgumentSyntax>());
        if (argument is null)
        {
            return null;
        }

        var list = (AttributeArgumentListSyntax)argument.Parent!;
        return Log($"remove argument {Short(argument.ToString())}", Edit((list.Span, "(" + string.Join(", ", list.Arguments.Where(a => a != argument)) + ")")));
    }

    private string? AddAnnotation(CompilationUnitSyntax root)
    {
        if (_r.Next(2) == 0 && NetworkClass(root) is { } type)
        {
            var chip = _r.Next(4);
            var annotation = _r.Next(4) switch
            {
                0 => $"Chip({(_r.Next(4) == 0 ? _r.Pick(Hostile.Ints) : chip.ToString(System.Globalization.CultureInfo.InvariantCulture))}, Gflops = {_r.Pick(Hostile.Doubles)})",
                1 => $"Chip({chip}, Name = {_r.Pick(Hostile.Strings)}, MemoryKiB = {_r.Pick(Hostile.Longs)})",
                2 => $"Link({_r.Next(3)}, {_r.Next(3)}, GigabytesPerSecond = {_r.Pick(Hostile.Doubles)}, LatencyMicroseconds = {_r.Pick(Hostile.Doubles)})",
                _ => $"Network(InputShape = {_r.Pick(Hostile.Shapes)})",
            };
            return Log($"add [{Short(annotation)}] to the class", Insert(type.SpanStart, $"[{annotation}]\n"));
        }

        var property = PickOrNull(root.DescendantNodes().OfType<PropertyDeclarationSyntax>());
        if (property is null)
        {
            return null;
        }

        var text = _r.Next(5) switch
        {
            0 => $"OnChip({(_r.Next(3) == 0 ? _r.Pick(Hostile.Ints) : _r.Next(4).ToString(System.Globalization.CultureInfo.InvariantCulture))})",
            1 => $"Bottleneck(Ratio = {(_r.Next(2) == 0 ? _r.Pick(Hostile.Ints) : _r.Next(1, 9).ToString(System.Globalization.CultureInfo.InvariantCulture))})",
            2 => $"Transfer(Format = {_r.Pick(Hostile.WireFormats)})",
            3 => _r.Pick(new[] { "Dense(4)", "Flatten", "Softmax", "GlobalAvgPool", "Add", "Concat", "BatchNorm", "Dropout(0.5)", "Activate(Activation.Relu)", "MaxPool(2)", "Conv2D(4, Kernel = 1)" }),
            _ => $"OnChip({_r.Next(3)}), Transfer(Format = {_r.Pick(Hostile.WireFormats)}), Bottleneck(Ratio = {_r.Next(1, 5)})",
        };
        return Log($"add [{Short(text)}] to {property.Identifier.ValueText}", Insert(property.SpanStart, $"[{text}] "));
    }

    private string? QualifyAttribute(CompilationUnitSyntax root)
    {
        var attribute = PickOrNull(root.DescendantNodes().OfType<AttributeSyntax>());
        if (attribute is null)
        {
            return null;
        }

        var name = ShortName(attribute);
        if (_r.Next(3) == 0)
        {
            var alias = _r.Pick(new[] { "N", "Layer", "System", "Sdk" + name });
            return Log($"alias {alias} = Sdk.{name}Attribute", Edit((new TextSpan(0, 0), $"using {alias} = Sdk.{name}Attribute;\n"), (attribute.Name.Span, alias)));
        }

        var written = _r.Pick(new[] { $"Sdk.{name}", $"global::Sdk.{name}Attribute", $"{name}Attribute", $"Sdk.{name}Attribute" });
        return Log($"write [{name}] as [{written}]", Edit((attribute.Name.Span, written)));
    }

    // ---- names ----

    private string? RenameLayer(CompilationUnitSyntax root)
    {
        var property = PickOrNull(root.DescendantNodes().OfType<PropertyDeclarationSyntax>());
        if (property is null)
        {
            return null;
        }

        var old = property.Identifier.ValueText;
        var name = _r.Pick(Hostile.Names);
        var edits = new List<(TextSpan, string)> { (property.Identifier.Span, name) };
        if (_r.Next(10) < 7)
        {
            // Follow the rename where other layers read this one.
            edits.AddRange(root.DescendantNodes().OfType<IdentifierNameSyntax>()
                .Where(n => n.Identifier.ValueText == old && n.Parent is ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } } })
                .Select(n => (n.Span, name)));
        }

        return Log($"rename layer {old} to {Short(name)}", Edit(edits.ToArray()));
    }

    private string? RenameClass(CompilationUnitSyntax root)
    {
        var type = NetworkClass(root);
        if (type is null)
        {
            return null;
        }

        var name = _r.Pick(Hostile.Names);
        var old = type.Identifier.ValueText;
        var edits = root.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == old).Select(t => (t.Span, name)).ToArray();
        return Log($"rename class {old} to {Short(name)}", Edit(edits));
    }

    private string? SetNamespace(CompilationUnitSyntax root)
    {
        var name = _r.Pick(Hostile.Namespaces);
        if (root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault() is { } existing)
        {
            return Log($"namespace {Short(name)}", Edit((existing.Name.Span, name)));
        }

        if (root.Members.Count == 0)
        {
            return null;
        }

        var start = root.Members[0].FullSpan.Start;
        return _r.Next(2) == 0
            ? Log($"file-scoped namespace {Short(name)}", Insert(start, $"namespace {name};\n"))
            : Log($"namespace {Short(name)} {{ }}", Edit((new TextSpan(start, 0), $"namespace {name}\n{{\n"), (new TextSpan(root.Members[^1].FullSpan.End, 0), "\n}\n")));
    }

    // ---- classes ----

    /// <summary>Containing types; {0} is the nesting level, so names differ unless a template has none.</summary>
    private static readonly string[] Outers =
    {
        "partial class Outer{0}", "partial struct Outer{0}", "partial record Outer{0}", "partial record struct Outer{0}", "partial interface IOuter{0}",
        "static partial class Outer{0}", "partial class Outer{0}<T>", "class Outer{0}", "file partial class Outer{0}", "ref partial struct Outer{0}",
        "readonly partial struct Outer{0}", "sealed partial class Outer{0}", "abstract partial class Outer{0}", "internal partial class Outer{0}",
        "unsafe partial class Outer{0}", "partial class @class", "partial class System", "partial class Sdk", "partial class ILGPU",
        "private partial class Outer{0}", "partial class Outer{0}<@class>", "partial class Plan",
    };

    private string? Nest(CompilationUnitSyntax root)
    {
        var type = NetworkClass(root);
        if (type is null)
        {
            return null;
        }

        var depth = _r.Next(20) == 0 ? _r.Next(10, 40) : _r.Next(1, 4);
        var outers = Enumerable.Range(0, depth)
            .Select(i => string.Format(System.Globalization.CultureInfo.InvariantCulture, _r.Next(3) == 0 ? _r.Pick(Outers) : Outers[0], i))
            .ToList();
        var open = string.Concat(outers.Select(o => o + " {\n"));
        var close = string.Concat(outers.Select(_ => "}\n"));
        return Log($"nest in {string.Join(" > ", outers.Take(4))}{(depth > 4 ? $" ... ({depth} deep)" : string.Empty)}",
            Edit((new TextSpan(type.FullSpan.Start, 0), open), (new TextSpan(type.FullSpan.End, 0), close)));
    }

    private string? ChangeClass(CompilationUnitSyntax root)
    {
        var type = NetworkClass(root);
        if (type is null)
        {
            return null;
        }

        switch (_r.Next(7))
        {
            case 0:
            {
                var modifier = _r.Pick(new[] { "static", "abstract", "sealed", "file", "unsafe", "new", "public", "internal", "private", "readonly", "ref", "required", "virtual" });
                return Log($"class modifier {modifier}", Insert(type.Keyword.SpanStart, modifier + " "));
            }

            case 1:
                return type.Modifiers.FirstOrDefault(m => m.IsKind(SyntaxKind.PartialKeyword)) is { RawKind: not 0 } partial
                    ? Log("class not partial", Edit((partial.Span, string.Empty)))
                    : null;
            case 2:
            {
                var keyword = _r.Pick(new[] { "record", "struct", "record struct", "interface", "record class", "enum" });
                return Log($"class keyword {keyword}", Edit((type.Keyword.Span, keyword)));
            }

            case 3:
                return type.TypeParameterList is null ? Log("generic class", Insert(type.Identifier.Span.End, _r.Pick(new[] { "<T>", "<T, U>", "<@class>" }))) : null;
            case 4:
            {
                // A base class with members named like the generated ones, or another network class.
                var (name, declaration) = _r.Pick(new[]
                {
                    ("PlanBase", "public class PlanBase { public int Plan; public static int Parameters => 0; public void Programs() { } }"),
                    ("HiddenBase", "public class HiddenBase { protected object? __SdkParameters; protected static int __SdkPlan; private protected int __SdkLayers; }"),
                    ("BaseNet", "[Network(InputShape = new[] { 4 })] public partial class BaseNet { [Dense(4)] public partial Layer Fc { get; } }"),
                    ("VirtualBase", "public abstract class VirtualBase { public virtual Layer? L0 { get; } public abstract object Parameters { get; } }"),
                    ("Sdk.Runtime.INetwork", string.Empty),
                    ("System.IDisposable", string.Empty),
                });
                var result = type.BaseList is { } bases ? Insert(bases.Span.End, ", " + name) : Insert(type.Identifier.Span.End + (type.TypeParameterList?.Span.Length ?? 0), " : " + name);
                return Log($"class derives from {name}", declaration.Length == 0 ? result : result + "\n" + declaration + "\n");
            }

            case 5:
                return type is ClassDeclarationSyntax { ParameterList: null } ? Log("primary constructor", Insert(type.Identifier.Span.End + (type.TypeParameterList?.Span.Length ?? 0), "(int size)")) : null;
            default:
            {
                var modifier = _r.Pick(new[] { "public", "internal", "private", "protected", "file", "static", "sealed", "abstract" });
                return Log($"replace class modifiers with '{modifier} partial'", Edit((type.Modifiers.Count > 0 ? type.Modifiers.FullSpan : new TextSpan(type.Keyword.SpanStart, 0), modifier + " partial ")));
            }
        }
    }

    private string? ChangeProperty(CompilationUnitSyntax root)
    {
        var property = PickOrNull(root.DescendantNodes().OfType<PropertyDeclarationSyntax>());
        if (property is null)
        {
            return null;
        }

        var what = property.Identifier.ValueText;
        switch (_r.Next(6))
        {
            case 0:
            {
                var modifier = _r.Pick(new[] { "virtual", "new", "required", "abstract", "static", "sealed", "override", "extern", "readonly", "unsafe", "volatile", "const", "async", "file" });
                return Log($"{what}: modifier {modifier}", Insert(property.Type.SpanStart, modifier + " "));
            }

            case 1:
                return property.Modifiers.FirstOrDefault(m => m.IsKind(SyntaxKind.PartialKeyword)) is { RawKind: not 0 } partial
                    ? Log($"{what}: not partial", Edit((partial.Span, string.Empty)))
                    : null;
            case 2:
            {
                var access = _r.Pick(new[] { "private", "protected", "internal", "protected internal", "private protected", "public", string.Empty });
                var edits = property.Modifiers.Where(m => SyntaxFacts.IsAccessibilityModifier(m.Kind())).Select(m => (m.Span, string.Empty)).ToList();
                edits.Add((new TextSpan(property.Type.SpanStart, 0), access + " "));
                return Log($"{what}: accessibility '{access}'", Edit(edits.ToArray()));
            }

            case 3:
            {
                var body = _r.Pick(new[] { "{ get; set; }", "{ get; init; }", "{ set; }", "{ get => null!; }", "=> null!;", "{ get; } = null!;", "{ private get; }", "{ get; private set; }", "{ }" });
                var start = property.AccessorList?.SpanStart ?? property.ExpressionBody?.SpanStart;
                return start is { } from ? Log($"{what}: body {body}", Edit((TextSpan.FromBounds(from, property.Span.End), body))) : null;
            }

            case 4:
            {
                var type = _r.Pick(new[] { "Layer?", "Sdk.Layer", "global::Sdk.Layer", "int", "Layer[]", "dynamic", "object", "NetworkAttribute" });
                return Log($"{what}: type {type}", Edit((property.Type.Span, type)));
            }

            default:
            {
                var form = _r.Next(2) == 0 ? $"public Layer {property.Identifier.Text};" : $"public partial Layer {property.Identifier.Text}();";
                var start = property.AttributeLists.Count > 0 ? property.AttributeLists[^1].Span.End : property.SpanStart;
                return Log($"{what}: as '{form}'", Edit((TextSpan.FromBounds(start, property.Span.End), " " + form)));
            }
        }
    }

    /// <summary>Moves some of the class's members (and sometimes its attributes) into a second partial declaration, in this file or another.</summary>
    private string? SplitPartial(CompilationUnitSyntax root)
    {
        var type = NetworkClass(root);
        if (type is null || type.Members.Count == 0)
        {
            return null;
        }

        var moved = type.Members.Where(_ => _r.Next(2) == 0).ToList();
        var attributes = _r.Next(4) == 0 ? type.AttributeLists.Where(_ => _r.Next(2) == 0).ToList() : new List<AttributeListSyntax>();
        var header = $"{string.Concat(attributes.Select(a => a + "\n"))}partial class {type.Identifier.Text}{type.TypeParameterList}\n{{\n{string.Concat(moved.Select(m => "    " + m + "\n"))}}}\n";
        foreach (var outer in type.Ancestors().OfType<TypeDeclarationSyntax>())
        {
            header = $"partial {outer.Keyword.Text} {outer.Identifier.Text}{outer.TypeParameterList}\n{{\n{header}}}\n";
        }

        if (type.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault() is { } ns)
        {
            header = $"namespace {ns.Name}\n{{\n{header}}}\n";
        }

        var edits = moved.Select(m => (m.FullSpan, string.Empty)).Concat(attributes.Select(a => (a.FullSpan, string.Empty))).ToList();
        if (_r.Next(3) > 0)
        {
            _files.Add("using Sdk;\n\n" + header);
            return Log($"split {moved.Count} members, {attributes.Count} attributes into a second file", Edit(edits.ToArray()));
        }

        edits.Add((new TextSpan(root.FullSpan.End, 0), "\n" + header));
        return Log($"split {moved.Count} members, {attributes.Count} attributes into a second declaration", Edit(edits.ToArray()));
    }

    private string? DuplicateClass(CompilationUnitSyntax root)
    {
        var type = NetworkClass(root);
        if (type is null)
        {
            return null;
        }

        var copy = type.ToFullString();
        if (_r.Next(2) == 0)
        {
            copy = copy.Replace(type.Identifier.Text + "\n", type.Identifier.Text + "Copy\n", StringComparison.Ordinal)
                .Replace("class " + type.Identifier.Text, "class " + type.Identifier.Text + "Copy", StringComparison.Ordinal);
        }

        return Log("duplicate the class", Insert(type.FullSpan.End, "\n" + copy));
    }

    private string? AddCollidingMember(CompilationUnitSyntax root)
    {
        var type = NetworkClass(root);
        if (type is null)
        {
            return null;
        }

        var name = type.Identifier.Text;
        var member = _r.Pick(new[]
        {
            "public int Plan;", "public static void Parameters() { }", "private int __SdkLayers;", "public class __SdkChip0 { }",
            "public const string __SdkTrafficReport = \"\";", "public event System.Action? Programs;", "public int L0 { get; set; }",
            "public static int Chip;", "public void Load() { }", "public Layer Extra => null!;", "public partial Layer NoAttribute { get; }",
            "public int this[int i] => i;", $"public static implicit operator int({name} n) => 0;", $"~{name}() {{ }}",
            "public int P => Plan.Layers.Count;", "public static class System { }", "public class ILGPU { }", "public class Sdk { }",
            "private static int Lazy;", "public class NetworkPlan { }", "public static int global;", "public int b, k, x, y;",
            $"public {name}() {{ }}", "public static object? Spec;", "public enum Activation { None }", "public class Layer { }",
            "public struct WireFormat { }", "public class ParameterSet { }",
        });
        return Log($"add member '{Short(member)}'", Insert(type.OpenBraceToken.Span.End, "\n    " + member));
    }

    /// <summary>A huge network: a layer repeated many times.</summary>
    private string? Replicate(CompilationUnitSyntax root)
    {
        var property = PickOrNull(root.DescendantNodes().OfType<PropertyDeclarationSyntax>().Where(p => p.AttributeLists.Count > 0));
        if (property is null)
        {
            return null;
        }

        var copies = _r.Pick(new[] { 10, 50, 200, 600 });
        var text = property.ToString();
        var name = property.Identifier.Text;
        var added = string.Concat(Enumerable.Range(0, copies).Select(i => "\n    " + text.Replace(" " + name + " ", $" {name}_{i} ", StringComparison.Ordinal)));
        return Log($"replicate {name} {copies} times", Insert(property.Span.End, added));
    }

    private string? SwapMembers(CompilationUnitSyntax root)
    {
        var properties = root.DescendantNodes().OfType<PropertyDeclarationSyntax>().ToList();
        if (properties.Count < 2)
        {
            return null;
        }

        var a = _r.Pick(properties);
        var b = _r.Pick(properties);
        return a == b ? null : Log($"swap layers {a.Identifier.ValueText} and {b.Identifier.ValueText}", Edit((a.Span, b.ToString()), (b.Span, a.ToString())));
    }

    private string? DeleteMember(CompilationUnitSyntax root)
    {
        var member = PickOrNull(root.DescendantNodes().OfType<MemberDeclarationSyntax>().Where(m => m is PropertyDeclarationSyntax or BaseTypeDeclarationSyntax));
        return member is null ? null : Log($"delete {Short(member.ToString())}", Edit((member.FullSpan, string.Empty)));
    }

    // ---- raw text ----

    private string? Junk(CompilationUnitSyntax root)
    {
        var tokens = root.DescendantTokens().ToList();
        if (tokens.Count == 0)
        {
            return null;
        }

        var token = _r.Pick(tokens);
        switch (_r.Next(3))
        {
            case 0:
                return Log($"delete token '{Short(token.Text)}'", Edit((token.Span, string.Empty)));
            case 1:
            {
                var junk = _r.Pick(new[] { ",", ")", "(", "[", "]", "=", "nameof(", "\"", "{", "}", ";", "@", "#", "/*", "0", "-", "...", "\\", "'", "$\"{" });
                return Log($"insert '{junk}' before '{Short(token.Text)}'", Insert(token.SpanStart, junk));
            }

            default:
                return Log($"truncate at '{Short(token.Text)}'", _text.Substring(0, token.SpanStart));
        }
    }

    private string? Preprocessor(CompilationUnitSyntax root)
    {
        var member = PickOrNull(root.DescendantNodes().OfType<PropertyDeclarationSyntax>());
        var directive = _r.Pick(new[] { "#if false", "#line 100 \"Other.cs\"", "#line hidden", "#nullable disable", "#pragma warning disable", "#region r", "#define SDK_KEEP_ATTRIBUTES" });
        if (directive.StartsWith("#define", StringComparison.Ordinal))
        {
            return Log(directive, Insert(0, directive + "\n"));
        }

        if (member is null)
        {
            return null;
        }

        var end = directive switch { "#if false" => "\n#endif\n", "#line 100 \"Other.cs\"" or "#line hidden" => "\n#line default\n", "#region r" => "\n#endregion\n", _ => "\n" };
        return Log($"{directive} around {member.Identifier.ValueText}", Edit((new TextSpan(member.FullSpan.Start, 0), "\n" + directive + "\n"), (new TextSpan(member.FullSpan.End, 0), end)));
    }

    // ---- helpers ----

    private static TypeDeclarationSyntax? NetworkClass(CompilationUnitSyntax root) =>
        root.DescendantNodes().OfType<TypeDeclarationSyntax>().FirstOrDefault(t => t.AttributeLists.SelectMany(l => l.Attributes).Any(a => ShortName(a) == "Network"))
        ?? root.DescendantNodes().OfType<TypeDeclarationSyntax>().FirstOrDefault();

    private static string ShortName(AttributeSyntax attribute)
    {
        var name = attribute.Name switch
        {
            QualifiedNameSyntax q => q.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax a => a.Name.Identifier.ValueText,
            SimpleNameSyntax s => s.Identifier.ValueText,
            _ => attribute.Name.ToString(),
        };
        return name.EndsWith("Attribute", StringComparison.Ordinal) ? name[..^"Attribute".Length] : name;
    }

    private string NameofSomeLayer(CompilationUnitSyntax root)
    {
        var properties = root.DescendantNodes().OfType<PropertyDeclarationSyntax>().ToList();
        return properties.Count == 0 ? "nameof(Missing)" : $"nameof({_r.Pick(properties).Identifier.Text})";
    }

    private static string Owner(AttributeListSyntax list) => list.Parent switch
    {
        PropertyDeclarationSyntax p => p.Identifier.ValueText,
        BaseTypeDeclarationSyntax t => "class " + t.Identifier.ValueText,
        _ => "?",
    };

    private string RewriteList(AttributeListSyntax list, Func<IEnumerable<AttributeSyntax>, IEnumerable<AttributeSyntax>> keep)
    {
        var attributes = keep(list.Attributes).ToList();
        var text = attributes.Count == 0 ? string.Empty : $"[{(list.Target is { } t ? t + " " : string.Empty)}{string.Join(", ", attributes)}]";
        return Edit((list.Span, text));
    }

    private T? PickOrNull<T>(IEnumerable<T> items)
        where T : class
    {
        var list = items.ToList();
        return list.Count == 0 ? null : _r.Pick(list);
    }

    private string Insert(int position, string text) => Edit((new TextSpan(position, 0), text));

    /// <summary>Applies non-overlapping edits to the current text.</summary>
    private string Edit(params (TextSpan Span, string Text)[] edits)
    {
        var text = _text;
        foreach (var (span, replacement) in edits.OrderByDescending(e => e.Span.Start).ThenByDescending(e => e.Span.End))
        {
            text = text.Substring(0, span.Start) + replacement + text.Substring(span.End);
        }

        return text;
    }

    private static string Short(string text) => text.Length <= 60 ? text.Replace("\n", "\\n", StringComparison.Ordinal) : text.Substring(0, 57).Replace("\n", "\\n", StringComparison.Ordinal) + "...";
}
