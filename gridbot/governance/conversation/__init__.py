"""Chat → governance: the message-level rules, the references users type, and intents translated into commands.

Everything chat-specific about the rules lives here (which messages are answered, what a bare 收到 means, how
E12/D3 are found); everything else is the service layer's, which the console and schedules call too.
"""
