using System.Collections.Generic;
using System.Globalization;

namespace Sdk.Compiler;

public enum Severity
{
    Info,
    Warning,
    Error,
}

/// <summary>One rule of the model compiler: a stable ID, a message format and a docs page <c>docs/diagnostics/{Id}.md</c>.</summary>
public sealed class DiagnosticRule
{
    internal DiagnosticRule(string id, Severity severity, string title, string messageFormat)
    {
        Id = id;
        Severity = severity;
        Title = title;
        MessageFormat = messageFormat;
    }

    public string Id { get; }

    public Severity Severity { get; }

    public string Title { get; }

    /// <summary>A composite format string; arguments are formatted in the invariant culture.</summary>
    public string MessageFormat { get; }

    /// <summary>
    /// Where the repository's files are read on the web: the root of the main branch. The one place the docs'
    /// address is written; the packages' RepositoryUrl (Directory.Build.props) is the same repository (a test checks).
    /// </summary>
    public const string DocsBaseUrl = "https://github.com/splitsdk/splitsdk/blob/main/";

    /// <summary>The rule's page, relative to the repository root.</summary>
    public string HelpPath => $"docs/diagnostics/{Id}.md";

    /// <summary>The rule's page on the web (the help link of the diagnostic in the IDE and the build output).</summary>
    public string HelpUrl => DocsBaseUrl + HelpPath;

    public override string ToString() => $"{Id}: {Title}";
}

/// <summary>Where in the network a diagnostic belongs, without source locations (the generator maps it to one).</summary>
public enum TargetKind
{
    /// <summary>The class itself (its identifier).</summary>
    Class,
    /// <summary>The <c>[Network]</c> attribute.</summary>
    Network,
    /// <summary><c>Spec.Chips[Index]</c>.</summary>
    Chip,
    /// <summary><c>Spec.Links[Index]</c>.</summary>
    Link,
    /// <summary><c>Spec.Layers[Index]</c>, the attribute <see cref="DiagnosticTarget.Part"/>.</summary>
    Layer,
}

/// <summary>Which attribute of a layer a diagnostic points at.</summary>
public enum LayerPart
{
    /// <summary>The layer attribute (<c>[Conv2D(...)]</c>).</summary>
    Attribute,
    /// <summary>The property's identifier.</summary>
    Property,
    OnChip,
    Bottleneck,
    Transfer,
}

public readonly record struct DiagnosticTarget(TargetKind Kind, int Index = -1, LayerPart Part = LayerPart.Attribute)
{
    public static DiagnosticTarget Network { get; } = new(TargetKind.Network);

    public static DiagnosticTarget Class { get; } = new(TargetKind.Class);

    public static DiagnosticTarget Chip(int index) => new(TargetKind.Chip, index);

    public static DiagnosticTarget Link(int index) => new(TargetKind.Link, index);

    public static DiagnosticTarget Layer(int index, LayerPart part = LayerPart.Attribute) => new(TargetKind.Layer, index, part);
}

/// <summary>A problem (or a figure, for infos) found in a network: the rule, where, and the message's arguments.</summary>
public sealed record CompilerDiagnostic(string Id, DiagnosticTarget Target, EquatableArray<string> Arguments)
{
    public DiagnosticRule Rule => DiagnosticRules.Find(Id)!;

    public Severity Severity => Rule.Severity;

    public string Message => string.Format(CultureInfo.InvariantCulture, Rule.MessageFormat, Args());

    public static CompilerDiagnostic Create(DiagnosticRule rule, DiagnosticTarget target, params object?[] arguments)
    {
        var text = new string[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            text[i] = Format(arguments[i]);
        }

        return new CompilerDiagnostic(rule.Id, target, EquatableArray<string>.Own(text));
    }

    public override string ToString() => $"{Id}: {Message}";

    private object[] Args()
    {
        var args = new object[Arguments.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = Arguments[i];
        }

        return args;
    }

    private static string Format(object? value) => value switch
    {
        null => string.Empty,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IEnumerable<int> shape => Shapes.Format(shape),
        _ => System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
