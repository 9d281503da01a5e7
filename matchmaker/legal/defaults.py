"""The documents as shipped: version 1 of each until an admin saves a new version.

Written for a city that runs the marketplace for its firms; {city} is the home city
(MATCHMAKER_HOME_CITY). Lines starting with "## " are headings, "- " list items, and a blank line
separates paragraphs (see render.py).
"""
from __future__ import annotations

DEFAULTS: dict[str, dict[str, str]] = {
    "terms": {
        "title_ja": "利用規約",
        "title_en": "Terms of use",
        "body_ja": """この利用規約（以下「本規約」）は、{city}（以下「運営者」）が提供する企業間マッチングサービス「matchmaker」（以下「本サービス」）の利用条件を定めるものです。利用者は、本規約に同意のうえ本サービスを利用するものとします。

## 第1条（目的）
本サービスは、地域の事業者どうしの取引（産業版「地産地消」）と、展示商談会・海外の友好都市企業との商談を支援することを目的とします。

## 第2条（利用登録）
- 利用登録は、事業を営む法人または個人事業主の役員・従業員が、所属する事業者のために行うものとします。
- 登録者は、自らの氏名・メールアドレスおよび事業者の情報を正確に登録し、変更があれば速やかに更新してください。
- 運営者は、登録内容に虚偽がある場合、本規約に違反した場合その他運営者が不適当と判断した場合、登録を承認せず、または取り消すことがあります。

## 第3条（アカウントの管理）
登録者は、パスワードを適切に管理し、第三者に利用させてはなりません。アカウントでなされた行為は、その登録者および所属事業者の行為とみなします。

## 第4条（掲載情報）
- 事業者のプロフィール、提供できること、求めていること、ロゴ・写真・カタログ（以下「掲載情報」）は、本サービスの利用者および一般に公開されます。
- 利用者は、掲載情報について必要な権利を有し、第三者の権利（著作権、肖像権等）を侵害しないことを保証するものとします。
- 運営者は、本サービスの紹介・運営に必要な範囲で、掲載情報を無償で利用（表示、縮小・変換等）できるものとします。

## 第5条（取引）
本サービスは事業者どうしが出会う場を提供するものであり、運営者は利用者間の見積・契約・取引の当事者とはなりません。取引に関する紛争は当事者間で解決するものとし、運営者は責任を負いません。

## 第6条（禁止事項）
利用者は、次の行為をしてはなりません。
- 法令または公序良俗に違反する行為
- 虚偽の情報の登録、他人へのなりすまし
- 営業目的以外のメッセージの大量送信、勧誘目的のみの利用
- 他の利用者の情報を本サービスの目的以外に利用する行為
- 本サービスの運営を妨げる行為、不正アクセス、過度な自動アクセス
- その他、運営者が不適切と判断する行為

## 第7条（サービスの変更・停止）
運営者は、保守、障害、その他やむを得ない事由により、事前の通知なく本サービスの全部または一部を変更・停止することがあります。

## 第8条（免責）
運営者は、本サービスで提供する推薦・検索結果・掲載情報の正確性、完全性、有用性を保証しません。運営者は、本サービスの利用により生じた損害について、運営者の故意または重大な過失による場合を除き、責任を負いません。

## 第9条（規約の変更）
運営者は、必要に応じて本規約を変更することがあります。重要な変更は本サービス上でお知らせし、変更後に本サービスを利用した場合、変更後の規約に同意したものとみなします。

## 第10条（準拠法・管轄）
本規約は日本法に準拠し、本サービスに関する紛争は、運営者の所在地を管轄する地方裁判所を第一審の専属的合意管轄裁判所とします。""",
        "body_en": """These terms of use (the "Terms") govern the use of matchmaker (the "Service"), a business-to-business matchmaking service provided by {city} (the "Operator"). By using the Service you agree to these Terms. Where the Japanese and English versions differ, the Japanese version prevails.

## 1. Purpose
The Service helps local firms do business with each other ("local production for local consumption"), and supports trade fairs and meetings with firms in partner cities abroad.

## 2. Registration
- Registration is made by an officer or employee of a business (a company or a sole proprietor), on behalf of that business.
- You must register your own name and e-mail address and accurate information about your business, and keep them up to date.
- The Operator may refuse or cancel a registration that is false, breaches these Terms, or is otherwise inappropriate.

## 3. Your account
Keep your password safe and do not let others use your account. Whatever is done with your account is taken as done by you and your business.

## 4. What you publish
- Your firm's profile, offerings, needs, logo, photos and catalogue ("Listings") are shown to the Service's users and to the public.
- You confirm that you hold the rights needed for your Listings and that they do not infringe anyone's rights (copyright, portrait rights and others).
- The Operator may use your Listings free of charge as needed to run and present the Service (display, resizing, conversion).

## 5. Business between users
The Service is a place where businesses meet. The Operator is not a party to quotations, contracts or transactions between users; disputes about them are settled between the parties, and the Operator is not liable for them.

## 6. Prohibited conduct
You must not:
- break the law or act against public order and morals;
- register false information or pretend to be someone else;
- send bulk messages or use the Service only to solicit;
- use other users' information for purposes other than the Service;
- interfere with the Service, access it without authorisation or with excessive automated requests;
- do anything else the Operator reasonably finds inappropriate.

## 7. Changes to and suspension of the Service
The Operator may change or suspend all or part of the Service without notice for maintenance, failures or other unavoidable reasons.

## 8. Disclaimer
The Operator does not guarantee that recommendations, search results or Listings are accurate, complete or useful. Except in cases of intent or gross negligence, the Operator is not liable for any damage arising from the use of the Service.

## 9. Changes to these Terms
The Operator may change these Terms when needed. Important changes are announced on the Service; using the Service after a change means accepting the changed Terms.

## 10. Governing law and jurisdiction
These Terms are governed by the laws of Japan. The district court with jurisdiction over the Operator's seat has exclusive jurisdiction in the first instance.""",
    },
    "privacy": {
        "title_ja": "プライバシーポリシー",
        "title_en": "Privacy policy",
        "body_ja": """{city}（以下「運営者」）は、企業間マッチングサービス「matchmaker」（以下「本サービス」）における個人情報を、個人情報の保護に関する法律その他の法令および{city}の定めに従い、次のとおり取り扱います。

## 1. 取得する情報
- 登録情報：氏名、メールアドレス、部署名、使用言語、パスワード（復元できない形式で保存します）
- 事業者の情報：会社名、所在地、事業内容、ロゴ・写真・カタログ等の掲載情報
- 利用の記録：ログイン日時、見積依頼・問い合わせ・商談会の申込みやメッセージの内容、通知の設定
- 技術的な情報：IPアドレス、ブラウザの種類、セッションを維持するためのクッキー

## 2. 利用目的
- 本サービスの提供（登録、ログイン、事業者の紹介、推薦、見積依頼、商談会の運営）
- 本人確認、パスワード再設定、取引や商談に関するお知らせのメール送信
- 不正利用の防止、障害対応、セキュリティの確保
- 地域の取引状況を把握するための統計（個人や事業者が特定されない形に集計します）

## 3. 公開される情報
事業者のプロフィールと掲載情報は一般に公開されます。担当者として表示することを選んだ方の氏名と部署名は事業者ページに表示されますが、メールアドレスは公開しません。写真は掲載時に撮影場所（GPS）等の埋め込み情報を削除します。

## 4. 第三者への提供
法令に基づく場合を除き、本人の同意なく個人情報を第三者に提供しません。見積依頼や問い合わせの内容は、その相手の事業者にのみ表示されます。本サービスの運営を委託する場合は、委託先に適切な管理を求めます。

## 5. 安全管理
通信の暗号化、パスワードの不可逆な保存、アクセス権限の管理など、個人情報の漏えい・滅失を防ぐための措置を講じます。

## 6. 保存期間と削除
アカウントを削除すると、氏名・メールアドレス等の登録情報は削除されます。他の事業者との取引記録（商談・成約の記録）は、事業者名等を伏せた形で残ることがあります。

## 7. 開示等の請求・お問い合わせ
ご自身の個人情報の開示、訂正、利用停止等のご請求、その他のお問い合わせは、「運営者・お問い合わせ」ページの窓口までご連絡ください。

## 8. 改定
本ポリシーを改定する場合は、本サービス上でお知らせします。""",
        "body_en": """{city} (the "Operator") handles personal information in matchmaker (the "Service") as follows, in accordance with Japan's Act on the Protection of Personal Information, other laws and the city's own rules.

## 1. What we collect
- Registration: your name, e-mail address, department, language and password (stored only as a hash that cannot be reversed)
- Your business: company name, location, activities, and what you publish (logo, photos, catalogue)
- Use of the Service: sign-in times, requests for quotation, inquiries, trade-fair registrations and messages, notification settings
- Technical data: IP address, browser type, the cookies that keep you signed in

## 2. Why we use it
- To run the Service: registration, sign-in, firm listings, recommendations, requests for quotation and trade fairs
- To confirm your address, reset passwords and send mail about your business on the Service
- To prevent misuse, handle failures and keep the Service secure
- For statistics on local trade, aggregated so that no person or firm can be identified

## 3. What is public
Firm profiles and what firms publish are public. The name and department of the members a firm chooses as its contact persons are shown on the firm's page; e-mail addresses are never published. Location data (GPS) and other embedded information are removed from photos when they are uploaded.

## 4. Sharing
We do not give personal information to third parties without your consent, except where the law requires it. Requests for quotation and inquiries are shown only to the firms they are addressed to. Where we entrust the running of the Service to a contractor, we require it to protect the information properly.

## 5. Security
We take measures against leaks and loss, including encrypted connections, irreversible password storage and access control.

## 6. Keeping and deleting
When you delete your account, your name, e-mail address and other registration data are deleted. Records of business with other firms (meetings, deals) may remain without your firm's name or details.

## 7. Your rights and questions
To see, correct or stop the use of your personal information, or for any question, contact the office on the "Operator and contact" page.

## 8. Changes
Changes to this policy are announced on the Service.""",
    },
    "operator": {
        "title_ja": "運営者・お問い合わせ",
        "title_en": "Operator and contact",
        "body_ja": """## 運営者
{city}

本サービスは、{city}が地域の事業者の取引拡大と展示商談会の運営のために提供しています。

## お問い合わせ
本サービスの使い方、登録内容の変更・削除、個人情報に関するご請求、不適切な掲載のご連絡は、{city}の産業振興担当課までお寄せください。

- 受付時間：平日 8時30分〜17時15分（土日祝日・年末年始を除く）
- 事業者どうしの取引内容に関するご相談には応じられません。取引の相手先に直接お問い合わせください。""",
        "body_en": """## Operator
{city}

The Service is provided by {city} to help local firms do more business with each other and to run the city's trade fairs.

## Contact
For questions about using the Service, changing or deleting your registration, requests about your personal information, or to report an inappropriate listing, contact the industry promotion office of {city}.

- Office hours: weekdays 8:30–17:15 (closed on weekends, national holidays and over the New Year)
- We cannot advise on the business between firms; please contact the firm concerned directly.""",
    },
}
