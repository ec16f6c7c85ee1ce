namespace AcsFunctions.Generation;

/// <summary>How a record spells its field names (real streams mix them).</summary>
internal enum KeyCase
{
    /// <summary><c>participantId</c> (the wire convention).</summary>
    Camel,

    /// <summary><c>ParticipantId</c> (the Log Analytics convention, seen in operational categories).</summary>
    Pascal,

    /// <summary><c>participantid</c> (as in the docs' <c>callupdatesversion</c>).</summary>
    Lower,
}
