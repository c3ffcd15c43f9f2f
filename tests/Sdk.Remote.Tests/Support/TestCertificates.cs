using System;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sdk.Runtime.Remote;

namespace Sdk.Remote.Tests.Support;

/// <summary>
/// A deployment's certificates, made here with CertificateRequest: a CA for the hosts, a CA for the callers, a host
/// certificate for 127.0.0.1 and localhost, a caller's certificate, and a rogue CA with its own caller and host
/// certificates (right names, wrong issuer). Written as PEM files for the host processes.
/// </summary>
internal sealed class TestCertificates
{
    public TestCertificates(string directory)
    {
        HostCa = CreateCa("sdk test host CA");
        ClientCa = CreateCa("sdk test client CA");
        Host = Issue(HostCa, "127.0.0.1", server: true);
        Client = Issue(ClientCa, "sdk test caller", server: false);
        RogueCa = CreateCa("rogue CA");
        RogueClient = Issue(RogueCa, "sdk test caller", server: false);
        RogueHost = Issue(RogueCa, "127.0.0.1", server: true);

        HostCertificateFile = Write(directory, "host.crt", Host.ExportCertificatePem());
        HostKeyFile = Write(directory, "host.key", Host.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        RogueHostCertificateFile = Write(directory, "rogue-host.crt", RogueHost.ExportCertificatePem());
        RogueHostKeyFile = Write(directory, "rogue-host.key", RogueHost.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        ClientCaFile = Write(directory, "client-ca.crt", ClientCa.ExportCertificatePem());
    }

    public X509Certificate2 HostCa { get; }

    public X509Certificate2 ClientCa { get; }

    public X509Certificate2 Host { get; }

    public X509Certificate2 Client { get; }

    public X509Certificate2 RogueCa { get; }

    public X509Certificate2 RogueClient { get; }

    public X509Certificate2 RogueHost { get; }

    public string HostCertificateFile { get; }

    public string HostKeyFile { get; }

    public string RogueHostCertificateFile { get; }

    public string RogueHostKeyFile { get; }

    public string ClientCaFile { get; }

    /// <summary>A caller of this deployment: its certificate, trusting the hosts' CA.</summary>
    public RemoteChipOptions Caller => new() { ClientCertificate = Client, HostCa = HostCa, ConnectTimeout = TimeSpan.FromSeconds(20), CallTimeout = TimeSpan.FromSeconds(20) };

    private static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string name, bool server)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            new OidCollection { server ? Certificates.ServerAuthentication : Certificates.ClientAuthentication }, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        using var signer = ca.GetECDsaPrivateKey()!;
        using var issued = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(signer), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    private static string Write(string directory, string name, string pem)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, pem);
        return path;
    }
}
